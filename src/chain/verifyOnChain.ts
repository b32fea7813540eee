/**
 * Verifies a proof on-chain, through a ZkInferRegistry (eth_call of verifyInference, or a submitInference
 * transaction with `submit`, whose InferenceVerified event is returned) or through a bare snarkjs verifier
 * (verifyProof). A proof the contract rejects is `valid: false` with the contract's reason; configuration
 * problems (no code, unknown model, wrong chain, unreachable RPC) are ChainErrors.
 */
import { encodeFunctionData, parseEventLogs, type Address, type Hash, type Hex } from 'viem';
import { ChainError, ProofError } from '../errors.ts';
import { loadBuild, modelIdOf, readDeployments } from './buildInfo.ts';
import { revertOf, toChainError } from './chainErrors.ts';
import { assertCode, resolveClients, type ChainClients } from './clients.ts';
import type { ChainOptions } from './deploy.ts';
import { isRegistry } from './deploy.ts';
import { unpackGroup } from '../prover/publicSignals.ts';
import type { PublicLayout } from '../manifest.ts';
import { encodeProofCalldata, readProofFiles, type ProofCalldata, type SnarkjsProof } from './proof.ts';
import { registryContract } from './solc.ts';
import { groth16VerifierAbi } from './verifierAbi.ts';

export interface VerifyOnChainOptions {
  buildDir: string;
  /** snarkjs proof.json (public signals from `publicFile` or public.json beside it), or `{proof, publicSignals}` JSON. */
  proofFile?: string;
  publicFile?: string;
  /** In-memory alternative to proofFile. */
  proof?: SnarkjsProof;
  publicSignals?: readonly (string | bigint)[];
  /** Registry or bare verifier; default: this build's registry (else verifier) in deployments.json for the chain. */
  address?: Address;
  /** Registry model id (name or 0x…32 bytes); default: deployments.json's, else the manifest's model name. */
  modelId?: string;
  /** Registry only: send a submitInference transaction (needs a key) and return its event. */
  submit?: boolean;
}

export interface OnChainVerification {
  valid: boolean;
  via: 'registry' | 'verifier';
  address: Address;
  chainId: number;
  modelId?: Hex;
  /** Decoded outputs (by the contract through a registry, by the TypeScript decoder for a bare verifier). */
  outputs: bigint[];
  /** Decoded public inputs (empty when the model's inputs are private). */
  inputs: bigint[];
  /** When invalid: the contract's custom error (InvalidProof, WrongSignalCount, SignalNotInField, NonCanonicalSignal, WeightsCommitmentMismatch). */
  reason?: string;
  /** With `submit`: the transaction, its gas and the event's submitter. */
  txHash?: Hash;
  gasUsed?: bigint;
  submitter?: Address;
}

/** All groups of one role decoded with the shared codec (src/prover/publicSignals.ts), concatenated in signal order. */
function decodeRole(layout: PublicLayout, signals: readonly bigint[], role: 'output' | 'input'): bigint[] {
  return layout.groups
    .filter((g) => g.role === role)
    .sort((a, b) => a.firstSignal - b.firstSignal)
    .flatMap((g) => unpackGroup(signals, g));
}

/** Registry errors that mean "this proof is rejected" rather than "this is misconfigured". */
const REJECTIONS = new Set(['InvalidProof', 'WrongSignalCount', 'SignalNotInField', 'NonCanonicalSignal', 'WeightsCommitmentMismatch']);

export async function verifyOnChain(opts: ChainOptions & VerifyOnChainOptions): Promise<OnChainVerification> {
  const build = await loadBuild(opts.buildDir);
  let proof = opts.proof;
  let signals = opts.publicSignals;
  if (!proof || !signals) {
    if (!opts.proofFile) throw new ProofError('PROOF_FILE_MISSING', 'no proof given', { fix: 'pass a proof file' });
    const files = await readProofFiles(opts.proofFile, opts.publicFile);
    ({ proof, publicSignals: signals } = files);
    const made = files.model?.vkeySha256;
    const here = build.manifest.setup?.vkeySha256;
    if (made && here && made !== here) {
      throw new ProofError('PROOF_WRONG_MODEL', `${opts.proofFile} was proved for model '${files.model?.name}' with another verifying key than ${opts.buildDir}`, {
        fix: 'verify the proof against the build it was made with (or prove again with this build)',
      });
    }
  }
  const calldata = encodeProofCalldata(proof, signals);
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: opts.submit === true });
  let chainId: number;
  try {
    chainId = await clients.publicClient.getChainId();
  } catch (e) {
    throw toChainError(e, 'eth_chainId', clients.rpc);
  }

  let address = opts.address;
  let modelId = opts.modelId;
  if (!address) {
    const all = await readDeployments(opts.buildDir);
    const rec = all[String(chainId)];
    if (!rec) {
      const others = Object.keys(all);
      throw new ChainError(others.length ? 'CHAIN_WRONG_CHAIN' : 'CHAIN_NO_DEPLOYMENT',
        others.length
          ? `${opts.buildDir} was deployed on chain ${others.join(', ')}, but the RPC is chain ${chainId}`
          : `${opts.buildDir} has no deployment on chain ${chainId} and no --address was given`,
        { fix: 'pass --address <registry or verifier>, or point --rpc at the chain it was deployed on (zkinfer deploy records it)' });
    }
    address = rec.registry ?? rec.verifier;
    modelId ??= rec.modelId;
  }
  await assertCode(clients, address, 'ZkInferRegistry or verifier');

  if (await isRegistry(clients, address)) {
    return viaRegistry(clients, address, modelIdOf(modelId ?? build.manifest.name), calldata, chainId, opts.submit === true);
  }
  if (opts.submit) {
    throw new ChainError('CHAIN_NOT_A_REGISTRY', `the contract at ${address} is a bare verifier: there is nothing to submit to`, {
      fix: 'pass the registry address (zkinfer deploy prints it) or drop --submit',
    });
  }
  return viaVerifier(clients, address, build.manifest.publicSignals, calldata, chainId);
}

async function viaRegistry(
  clients: ChainClients, address: Address, modelId: Hex, cd: ProofCalldata, chainId: number, submit: boolean,
): Promise<OnChainVerification> {
  const { abi } = await registryContract();
  const args = [modelId, { a: cd.a, b: cd.b, c: cd.c }, cd.publicSignals] as const;
  const base = { via: 'registry' as const, address, chainId, modelId };
  const rejected = (e: unknown): OnChainVerification => {
    const r = revertOf(e);
    if (r && REJECTIONS.has(r.errorName)) return { ...base, valid: false, outputs: [], inputs: [], reason: r.errorName };
    throw toChainError(e, 'ZkInferRegistry.verifyInference', clients.rpc);
  };
  let decoded: readonly [readonly bigint[], readonly bigint[]];
  try {
    decoded = (await clients.publicClient.readContract({ address, abi, functionName: 'verifyInference', args })) as typeof decoded;
  } catch (e) {
    return rejected(e);
  }
  if (!submit) return { ...base, valid: true, outputs: [...decoded[0]], inputs: [...decoded[1]] };

  const wallet = clients.walletClient!;
  let txHash: Hash;
  try {
    txHash = await wallet.writeContract({ address, abi, functionName: 'submitInference', args, account: wallet.account, chain: wallet.chain });
  } catch (e) {
    return rejected(e);
  }
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash: txHash }).catch((e: unknown) => {
    throw toChainError(e, 'waiting for submitInference', clients.rpc);
  });
  if (receipt.status !== 'success') {
    throw new ChainError('CHAIN_TX_FAILED', `submitInference transaction ${txHash} reverted`, { fix: 'retry with more gas' });
  }
  const [ev] = parseEventLogs({ abi, logs: receipt.logs, eventName: 'InferenceVerified' }) as unknown as Array<{
    args: { modelId: Hex; submitter: Address; outputs: readonly bigint[]; inputs: readonly bigint[] };
  }>;
  if (!ev) throw new ChainError('CHAIN_TX_FAILED', `submitInference ${txHash} emitted no InferenceVerified event`, { fix: 'check the registry address' });
  return {
    ...base,
    valid: true,
    outputs: [...ev.args.outputs],
    inputs: [...ev.args.inputs],
    txHash,
    gasUsed: receipt.gasUsed,
    submitter: ev.args.submitter,
  };
}

async function viaVerifier(
  clients: ChainClients, address: Address, layout: PublicLayout, cd: ProofCalldata, chainId: number,
): Promise<OnChainVerification> {
  const base = { via: 'verifier' as const, address, chainId };
  if (cd.publicSignals.length !== layout.total) {
    return { ...base, valid: false, outputs: [], inputs: [], reason: 'WrongSignalCount' };
  }
  const data = encodeFunctionData({
    abi: groth16VerifierAbi(layout.total),
    functionName: 'verifyProof',
    args: [cd.a, cd.b, cd.c, cd.publicSignals],
  });
  let ret: Hex | undefined;
  try {
    ({ data: ret } = await clients.publicClient.call({ to: address, data }));
  } catch (e) {
    if (revertOf(e) || /revert/i.test(String((e as Error)?.message))) {
      throw new ChainError('CHAIN_NOT_A_VERIFIER', `the contract at ${address} does not implement verifyProof for ${layout.total} public signals`, {
        fix: 'pass the address of this build\'s verifier or registry (zkinfer deploy prints them)',
        cause: e,
      });
    }
    throw toChainError(e, 'verifyProof', clients.rpc);
  }
  if (!ret || ret.length !== 66) {
    throw new ChainError('CHAIN_NOT_A_VERIFIER', `the contract at ${address} did not answer verifyProof like a Groth16 verifier`, {
      fix: 'pass the address of this build\'s verifier or registry',
    });
  }
  if (BigInt(ret) !== 1n) return { ...base, valid: false, outputs: [], inputs: [], reason: 'InvalidProof' };
  return {
    ...base,
    valid: true,
    outputs: decodeRole(layout, cd.publicSignals, 'output'),
    inputs: decodeRole(layout, cd.publicSignals, 'input'),
  };
}
