/**
 * Turns viem failures into ChainErrors with a message naming the problem and a fix: unreachable RPC,
 * a contract revert decoded by its custom error name (with arguments), anything else as CHAIN_RPC_FAILED.
 */
import { BaseError, ContractFunctionRevertedError, HttpRequestError, TimeoutError, WebSocketRequestError } from 'viem';
import { ChainError, ZkInferError } from '../errors.ts';

/** What to do about each custom error of ZkInferRegistry / PackedOutputs. */
const REVERT_FIXES: Record<string, string> = {
  ModelAlreadyRegistered: 'a registered model can never be replaced: choose another --model-id, or deploy a new registry',
  UnknownModel: 'register the model first (zkinfer deploy <build> --registry <address>) or check --model-id',
  ModelIsRetired: 'the registry owner retired this model: register the new version under a new model id',
  NotOwner: 'send the transaction with the registry owner\'s key (ZKINFER_PRIVATE_KEY)',
  NotAContract: 'deploy the verifier first (zkinfer deploy <build>) and pass its address',
  VerifierMismatch: 'the verifier was generated for a different number of public signals: re-export it from this build',
  WrongSignalCount: 'the proof belongs to a different circuit than the registered model: prove with this build',
  SignalNotInField: 'a public signal is ≥ the BN254 field modulus: the public signals were tampered with or mis-encoded',
  NonCanonicalSignal: 'a packed public signal has bits set above its values: re-encode the inputs with zkinfer',
  InvalidProof: 'the proof does not verify for these public signals (wrong proof, tampered signals or another setup)',
  VerifierCallFailed: 'the verifier contract failed: check that the registered verifier is the one exported for this build',
  InvalidGroup: 'the manifest\'s public-signal layout is invalid: rebuild the model',
  GroupOutOfRange: 'the manifest\'s public-signal layout does not fit the circuit\'s public signals: rebuild the model',
  GroupsOverlap: 'the manifest\'s public-signal groups overlap: rebuild the model',
  InvalidPublicSignalCount: 'the circuit must have between 1 and 256 public signals',
  ZeroAddress: 'pass a non-zero address',
};

/** The custom error a revert carries, if viem could decode it. */
export function revertOf(e: unknown): { errorName: string; args: readonly unknown[] } | undefined {
  if (!(e instanceof BaseError)) return undefined;
  const r = e.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  if (r?.data?.errorName) return { errorName: r.data.errorName, args: r.data.args ?? [] };
  if (r?.reason) return { errorName: 'Error', args: [r.reason] };
  return undefined;
}

const fmt = (a: unknown): string => (typeof a === 'bigint' ? a.toString() : Array.isArray(a) ? `[${a.map(fmt).join(', ')}]` : String(a));

/** Wraps any failure of `what` (e.g. "ZkInferRegistry.registerModel") into a ChainError. */
export function toChainError(e: unknown, what: string, rpc?: string): ZkInferError {
  if (e instanceof ZkInferError) return e;
  if (e instanceof BaseError) {
    const unreachable = e.walk((x) => x instanceof HttpRequestError || x instanceof TimeoutError || x instanceof WebSocketRequestError);
    if (unreachable) {
      return new ChainError('CHAIN_RPC_UNREACHABLE', `cannot reach the Ethereum RPC${rpc ? ` at ${rpc}` : ''} (${what})`, {
        fix: 'check the URL (--rpc) and that the node is running, e.g. `npx hardhat node`',
        cause: e,
        details: { rpc },
      });
    }
    const revert = revertOf(e);
    if (revert) {
      const call = `${revert.errorName}(${revert.args.map(fmt).join(', ')})`;
      return new ChainError('CHAIN_REVERTED', `${what} reverted with ${call}`, {
        fix: REVERT_FIXES[revert.errorName] ?? 'check the arguments and the contract address',
        cause: e,
        details: { errorName: revert.errorName, args: revert.args.map(fmt) },
      });
    }
    return new ChainError('CHAIN_RPC_FAILED', `${what} failed: ${e.shortMessage}`, {
      fix: 'check the RPC URL, the account\'s balance and the contract address',
      cause: e,
    });
  }
  return new ChainError('CHAIN_RPC_FAILED', `${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
