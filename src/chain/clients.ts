/**
 * viem clients for the chain functions: passed in (e.g. Hardhat's, or an app's own), or built from an RPC URL
 * plus a private key from ZKINFER_PRIVATE_KEY. Checks that the RPC answers and, when asked, that it is the
 * expected chain; every failure is a ChainError saying what to fix.
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  isHex,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ChainError } from '../errors.ts';
import { toChainError } from './chainErrors.ts';

/** Environment variable holding the deployer's / submitter's private key (0x + 64 hex digits). */
export const PRIVATE_KEY_ENV = 'ZKINFER_PRIVATE_KEY';

export interface ChainClients {
  publicClient: PublicClient<Transport, Chain>;
  /** Needed for transactions (deploy, register, submit); reads work without it. */
  walletClient?: WalletClient<Transport, Chain, Account>;
  /** The RPC URL, when known (for messages). */
  rpc?: string;
}

/** Either ready clients, or an RPC URL (the key then comes from `privateKey` or ZKINFER_PRIVATE_KEY). */
export type ChainTarget = { client: ChainClients } | { rpc: string; privateKey?: string };

export interface ResolveOptions {
  /** Fail with CHAIN_WRONG_CHAIN unless the node reports this chain id. */
  chainId?: number;
  /** Build/require a wallet client (transactions). */
  needWallet?: boolean;
}

/** Reads and validates a private key (argument, else ZKINFER_PRIVATE_KEY). */
export function loadPrivateKey(explicit?: string): Hex {
  const raw = (explicit ?? process.env[PRIVATE_KEY_ENV] ?? '').trim();
  if (raw === '') {
    throw new ChainError('CHAIN_MISSING_KEY', `no private key: ${PRIVATE_KEY_ENV} is not set`, {
      fix: `export ${PRIVATE_KEY_ENV}=0x… (the key of a funded account on that chain; never commit it)`,
    });
  }
  const key = (raw.startsWith('0x') ? raw : `0x${raw}`) as Hex;
  if (!isHex(key) || key.length !== 66) {
    throw new ChainError('CHAIN_BAD_KEY', `${PRIVATE_KEY_ENV} is not a private key (expected 0x followed by 64 hex digits)`, {
      fix: `set ${PRIVATE_KEY_ENV} to the account's 32-byte private key in hex`,
    });
  }
  return key;
}

/** Clients for an RPC URL. The chain id is read from the node. */
export async function connectRpc(rpc: string, opts: { privateKey?: string; needWallet?: boolean } = {}): Promise<ChainClients> {
  let url: URL;
  try {
    url = new URL(rpc);
  } catch {
    throw new ChainError('CHAIN_BAD_RPC', `'${rpc}' is not a URL`, { fix: 'pass --rpc http://host:port (e.g. http://127.0.0.1:8545)' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChainError('CHAIN_BAD_RPC', `unsupported RPC URL scheme '${url.protocol}' in ${rpc}`, { fix: 'use an http:// or https:// RPC URL' });
  }
  const account = opts.needWallet ? privateKeyToAccountChecked(loadPrivateKey(opts.privateKey)) : undefined;
  const transport = http(rpc, { retryCount: 1, timeout: 30_000 });
  const probe = createPublicClient({ transport });
  let id: number;
  try {
    id = await probe.getChainId();
  } catch (e) {
    throw toChainError(e, 'eth_chainId', rpc);
  }
  const chain = defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const publicClient = createPublicClient({ chain, transport }) as PublicClient<Transport, Chain>;
  const walletClient = account ? createWalletClient({ chain, transport, account }) : undefined;
  return { publicClient, walletClient, rpc };
}

function privateKeyToAccountChecked(key: Hex): Account {
  try {
    return privateKeyToAccount(key);
  } catch (e) {
    throw new ChainError('CHAIN_BAD_KEY', `${PRIVATE_KEY_ENV} is not a valid secp256k1 private key`, {
      fix: `set ${PRIVATE_KEY_ENV} to the account's 32-byte private key in hex`,
      cause: e,
    });
  }
}

/** Clients for a target, with the chain id and wallet checks of `opts`. */
export async function resolveClients(target: ChainTarget, opts: ResolveOptions = {}): Promise<ChainClients> {
  const clients = 'client' in target ? target.client : await connectRpc(target.rpc, { privateKey: target.privateKey, needWallet: opts.needWallet });
  if (opts.needWallet && !clients.walletClient) {
    throw new ChainError('CHAIN_MISSING_KEY', 'this operation sends a transaction but no wallet client (account) was given', {
      fix: `pass a walletClient, or an RPC URL with ${PRIVATE_KEY_ENV} set`,
    });
  }
  if (opts.chainId !== undefined) await assertChainId(clients, opts.chainId);
  return clients;
}

/** CHAIN_WRONG_CHAIN unless the node's chain id is `expected`. */
export async function assertChainId(clients: ChainClients, expected: number): Promise<void> {
  let id: number;
  try {
    id = await clients.publicClient.getChainId();
  } catch (e) {
    throw toChainError(e, 'eth_chainId', clients.rpc);
  }
  if (id !== expected) {
    throw new ChainError('CHAIN_WRONG_CHAIN', `the RPC${clients.rpc ? ` at ${clients.rpc}` : ''} is chain ${id}, expected chain ${expected}`, {
      fix: `point --rpc at a node of chain ${expected}, or change --chain-id`,
      details: { expected, actual: id },
    });
  }
}

/** CHAIN_NO_CODE unless a contract is deployed at `address`. */
export async function assertCode(clients: ChainClients, address: Address, what: string): Promise<void> {
  let code: Hex | undefined;
  try {
    code = await clients.publicClient.getCode({ address });
  } catch (e) {
    throw toChainError(e, `eth_getCode(${address})`, clients.rpc);
  }
  if (!code || code === '0x') {
    const id = await clients.publicClient.getChainId().catch(() => undefined);
    throw new ChainError('CHAIN_NO_CODE', `no contract at ${address} on chain ${id ?? '?'} (expected the ${what})`, {
      fix: 'check --address and --rpc (a restarted dev node forgets its contracts: deploy again)',
      details: { address, chainId: id },
    });
  }
}
