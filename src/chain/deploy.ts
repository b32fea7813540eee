/**
 * Deploys a build's verifier and the model registry, and registers the model, with viem. Contracts are
 * compiled with solc-js (src/chain/solc.ts), so this works without Hardhat against any RPC.
 */
import type { Abi, Address, Hash, Hex } from 'viem';
import { ChainError } from '../errors.ts';
import { loadBuild, modelIdOf, onnxHash, recordDeployment, registryCommitments, registryLayout, vkeyHash, type DeploymentRecord } from './buildInfo.ts';
import { buildWeightsCommitment } from './weightsCommitment.ts';
import { toChainError } from './chainErrors.ts';
import { assertCode, resolveClients, type ChainClients, type ChainTarget } from './clients.ts';
import { renderVerifier } from './exportVerifier.ts';
import { registryContract, verifierContract, type CompiledContract } from './solc.ts';

/** Where to send transactions: clients, or an RPC URL (key from ZKINFER_PRIVATE_KEY); optionally the expected chain id. */
export type ChainOptions = ChainTarget & { chainId?: number };

export interface Deployed {
  address: Address;
  txHash: Hash;
  gasUsed: bigint;
}

async function deployCompiled(clients: ChainClients, c: CompiledContract, args: readonly unknown[]): Promise<Deployed> {
  const wallet = clients.walletClient!;
  try {
    const txHash = await wallet.deployContract({ abi: c.abi, bytecode: c.bytecode, args, account: wallet.account, chain: wallet.chain });
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== 'success' || !receipt.contractAddress) {
      throw new ChainError('CHAIN_TX_FAILED', `deploying ${c.contractName} failed (transaction ${txHash} reverted)`, {
        fix: 'check the account\'s balance and the chain\'s contract size limit',
      });
    }
    return { address: receipt.contractAddress, txHash, gasUsed: receipt.gasUsed };
  } catch (e) {
    throw toChainError(e, `deploying ${c.contractName}`, clients.rpc);
  }
}

/** Deploys the build's Groth16 verifier (rendered from its zkey, compiled with solc-js). */
export async function deployVerifier(opts: ChainOptions & { buildDir: string; contractName?: string }): Promise<Deployed & { contractName: string; abi: Abi }> {
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: true });
  const v = await renderVerifier(opts.buildDir, opts.contractName);
  const c = await verifierContract(v.source, v.contractName);
  return { ...(await deployCompiled(clients, c, [])), contractName: v.contractName, abi: c.abi };
}

/** Deploys a ZkInferRegistry owned by `owner` (default: the sending account). */
export async function deployRegistry(opts: ChainOptions & { owner?: Address }): Promise<Deployed & { abi: Abi }> {
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: true });
  const c = await registryContract();
  const owner = opts.owner ?? clients.walletClient!.account.address;
  return { ...(await deployCompiled(clients, c, [owner])), abi: c.abi };
}

/** True when `address` holds a ZkInferRegistry (it answers VERSION with "zkinfer-registry/…"). */
export async function isRegistry(clients: ChainClients, address: Address): Promise<boolean> {
  const { abi } = await registryContract();
  try {
    const v = (await clients.publicClient.readContract({ address, abi, functionName: 'VERSION' })) as string;
    return typeof v === 'string' && v.startsWith('zkinfer-registry/');
  } catch {
    return false;
  }
}

export interface RegisterModelOptions {
  buildDir: string;
  registry: Address;
  verifier: Address;
  /** 0x + 64 hex digits, or a name hashed with keccak256; default: the manifest's model name. */
  modelId?: string;
  /**
   * Committed-weights builds: the weights commitment to register (only proofs for these weights are
   * accepted); default: the commitment of the build's weights.json.
   */
  weightsCommitment?: bigint;
}

/** Registers the build's model (ONNX sha256, verifying-key hash, packed layout) with its verifier. */
export async function registerModel(opts: ChainOptions & RegisterModelOptions): Promise<{ modelId: Hex; txHash: Hash; gasUsed: bigint }> {
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: true });
  const build = await loadBuild(opts.buildDir);
  await assertCode(clients, opts.registry, 'ZkInferRegistry');
  if (!(await isRegistry(clients, opts.registry))) {
    throw new ChainError('CHAIN_NOT_A_REGISTRY', `the contract at ${opts.registry} is not a ZkInferRegistry`, {
      fix: 'pass the registry address printed by zkinfer deploy (or omit --registry to deploy a new one)',
    });
  }
  await assertCode(clients, opts.verifier, `verifier of ${build.manifest.name}`);
  const modelId = modelIdOf(opts.modelId ?? build.manifest.name);
  const layout = registryLayout(build.manifest);
  const weights = build.manifest.visibility.weights === 'committed' ? (opts.weightsCommitment ?? (await buildWeightsCommitment(opts.buildDir, build.manifest))) : undefined;
  const commitments = registryCommitments(build.manifest, weights);
  const { abi } = await registryContract();
  const wallet = clients.walletClient!;
  try {
    const base = [modelId, opts.verifier, onnxHash(build), await vkeyHash(build), BigInt(layout.publicSignals), layout.outputs, layout.inputs] as const;
    const txHash = await wallet.writeContract({
      address: opts.registry,
      abi,
      ...(commitments ? { functionName: 'registerModelWithCommitments', args: [...base, commitments] } : { functionName: 'registerModel', args: base }),
      account: wallet.account,
      chain: wallet.chain,
    });
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== 'success') {
      throw new ChainError('CHAIN_TX_FAILED', `registerModel transaction ${txHash} reverted`, { fix: 'retry; check the account and the registry' });
    }
    return { modelId, txHash, gasUsed: receipt.gasUsed };
  } catch (e) {
    throw toChainError(e, 'ZkInferRegistry.registerModel', clients.rpc);
  }
}

export interface DeployModelResult extends DeploymentRecord {
  transactions: Array<{ what: string; txHash: Hash; gasUsed: bigint }>;
}

/**
 * Everything `zkinfer deploy` does: deploy the verifier; deploy a registry unless `registry` is given;
 * register the model (unless `register` is false); record the addresses in <build>/deployments.json.
 */
export async function deployModel(
  opts: ChainOptions & { buildDir: string; registry?: Address; modelId?: string; register?: boolean },
): Promise<DeployModelResult> {
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: true });
  const target = { client: clients };
  const chainId = await clients.publicClient.getChainId();
  const transactions: DeployModelResult['transactions'] = [];
  if (opts.registry) await assertCode(clients, opts.registry, 'ZkInferRegistry');
  const verifier = await deployVerifier({ ...target, buildDir: opts.buildDir });
  transactions.push({ what: `deploy ${verifier.contractName}`, txHash: verifier.txHash, gasUsed: verifier.gasUsed });
  const rec: DeploymentRecord = {
    chainId,
    verifier: verifier.address,
    verifierContract: verifier.contractName,
    rpc: clients.rpc,
    deployedAt: new Date().toISOString(),
  };
  if (opts.register !== false) {
    let registry = opts.registry;
    if (!registry) {
      const r = await deployRegistry(target);
      transactions.push({ what: 'deploy ZkInferRegistry', txHash: r.txHash, gasUsed: r.gasUsed });
      registry = r.address;
    }
    const reg = await registerModel({ ...target, buildDir: opts.buildDir, registry, verifier: verifier.address, modelId: opts.modelId });
    transactions.push({ what: 'registerModel', txHash: reg.txHash, gasUsed: reg.gasUsed });
    rec.registry = registry;
    rec.modelId = reg.modelId;
  }
  await recordDeployment(opts.buildDir, rec);
  return { ...rec, transactions };
}
