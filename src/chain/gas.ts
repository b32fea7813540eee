/**
 * Gas of verifying a proof: through the bare snarkjs verifier (verifyProof) and through a ZkInferRegistry
 * (submitInference: checks, decoding, verifier call, event). Measured from real transaction receipts
 * (total transaction gas, i.e. including the 21,000 base cost and calldata), not eth_estimateGas: the
 * snarkjs verifier returns false instead of reverting when a precompile runs out of gas, so a gas
 * estimate's binary search can settle on a limit at which verification fails.
 */
import { encodeFunctionData, type Abi, type Address, type Hex } from 'viem';
import { ChainError } from '../errors.ts';
import { toChainError } from './chainErrors.ts';
import { resolveClients, type ChainClients } from './clients.ts';
import type { ChainOptions } from './deploy.ts';
import { modelIdOf } from './buildInfo.ts';
import { encodeProofCalldata, type SnarkjsProof } from './proof.ts';
import { registryContract } from './solc.ts';
import { groth16VerifierAbi } from './verifierAbi.ts';

export interface MeasureGasOptions {
  proof: SnarkjsProof;
  publicSignals: readonly (string | bigint)[];
  /** A bare verifier to measure. */
  verifier?: Address;
  /** A registry (and the model id, name or 0x…) to measure submitInference through. */
  registry?: Address;
  modelId?: string;
}

export interface VerifyGas {
  /** Transaction gas of verifyProof on the bare verifier. */
  verifier?: bigint;
  /** Transaction gas of submitInference on the registry. */
  registry?: bigint;
}

const GAS_LIMIT = 3_000_000n;

async function sendAndMeasure(clients: ChainClients, to: Address, data: Hex, what: string, mustReturnTrue: boolean): Promise<bigint> {
  const wallet = clients.walletClient!;
  try {
    const { data: ret } = await clients.publicClient.call({ to, data, account: wallet.account.address, gas: GAS_LIMIT });
    if (mustReturnTrue && (!ret || BigInt(ret) !== 1n)) {
      throw new ChainError('CHAIN_PROOF_REJECTED', `${what} rejects this proof: its gas would not be the gas of a verification`, {
        fix: 'measure with a valid proof for this verifier',
      });
    }
    const hash = await wallet.sendTransaction({ to, data, gas: GAS_LIMIT, account: wallet.account, chain: wallet.chain });
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new ChainError('CHAIN_TX_FAILED', `${what} transaction ${hash} reverted`, { fix: 'measure with a valid proof' });
    return receipt.gasUsed;
  } catch (e) {
    throw toChainError(e, what, clients.rpc);
  }
}

/** Sends one verification per given contract and returns the gas each used. Needs a wallet. */
export async function measureVerifyGas(opts: ChainOptions & MeasureGasOptions): Promise<VerifyGas> {
  const clients = await resolveClients(opts, { chainId: opts.chainId, needWallet: true });
  const cd = encodeProofCalldata(opts.proof, opts.publicSignals);
  const out: VerifyGas = {};
  if (opts.verifier) {
    const data = encodeFunctionData({ abi: groth16VerifierAbi(cd.publicSignals.length), functionName: 'verifyProof', args: [cd.a, cd.b, cd.c, cd.publicSignals] });
    out.verifier = await sendAndMeasure(clients, opts.verifier, data, 'verifyProof', true);
  }
  if (opts.registry) {
    if (!opts.modelId) throw new ChainError('CHAIN_NO_MODEL_ID', 'measuring through a registry needs the model id', { fix: 'pass modelId' });
    const { abi } = await registryContract();
    const data = encodeFunctionData({
      abi: abi as Abi,
      functionName: 'submitInference',
      args: [modelIdOf(opts.modelId), { a: cd.a, b: cd.b, c: cd.c }, cd.publicSignals],
    });
    out.registry = await sendAndMeasure(clients, opts.registry, data, 'ZkInferRegistry.submitInference', false);
  }
  return out;
}
