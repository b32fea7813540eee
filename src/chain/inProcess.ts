/**
 * An embedded, in-process Ethereum chain (Hardhat 3's EDR simulated network) with viem clients, for the demo
 * and the benchmark: no node to start, no key (the first of Hardhat's funded dev accounts sends). Hardhat is
 * loaded lazily with an inline config, so it works from any working directory. Needs Node ≥ 22.
 */
import { createPublicClient, createWalletClient, custom, defineChain, type Address, type Chain, type EIP1193Provider, type PublicClient, type Transport } from 'viem';
import { fileURLToPath } from 'node:url';
import { ChainError } from '../errors.ts';
import type { ChainClients } from './clients.ts';

export interface InProcessChain extends ChainClients {
  chainId: number;
  /** Stops the simulated network. */
  close(): Promise<void>;
}

const HARDHAT: string = 'hardhat/hre';

export async function createInProcessChain(): Promise<InProcessChain> {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 13)) {
    throw new ChainError('CHAIN_NODE_VERSION', `the in-process chain (Hardhat 3) needs Node ≥ 22.13, this is Node ${process.versions.node}`, {
      fix: 'run through npm scripts or npx (they use node_modules/.bin/node, Node 22), or pass --rpc to use an external node',
    });
  }
  let hre;
  try {
    const { createHardhatRuntimeEnvironment } = (await import(HARDHAT)) as typeof import('hardhat/hre');
    hre = await createHardhatRuntimeEnvironment({}, {}, fileURLToPath(new URL('../../', import.meta.url)));
  } catch (e) {
    throw new ChainError('CHAIN_NO_HARDHAT', `cannot start Hardhat's in-process network: ${(e as Error).message}`, {
      fix: 'install the dev dependencies (npm install; the postinstall step adds @nomicfoundation/edr for your platform), or pass --rpc',
      cause: e,
    });
  }
  const conn = await hre.network.create();
  const provider = conn.provider as unknown as EIP1193Provider;
  const transport = custom(provider);
  const chainId = Number(await provider.request({ method: 'eth_chainId' }));
  const [account] = (await provider.request({ method: 'eth_accounts' })) as Address[];
  const chain: Chain = defineChain({
    id: chainId,
    name: 'zkinfer in-process (Hardhat EDR)',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  return {
    chainId,
    publicClient: createPublicClient({ chain, transport }) as PublicClient<Transport, Chain>,
    walletClient: createWalletClient({ chain, transport, account }),
    close: () => conn.close(),
  };
}
