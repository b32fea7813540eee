/**
 * The whole on-chain story for one build and one proof, for `npm run demo` and `npm run bench`: deploy the
 * verifier and a registry, register the model, submit the proof (InferenceVerified event), and measure the gas
 * of verifying through the bare verifier and through the registry. Runs on an embedded in-process chain
 * (Hardhat EDR) unless clients or an RPC URL are given.
 */
import type { Address } from 'viem';
import { resolveClients, type ChainClients } from './clients.ts';
import { deployModel, type ChainOptions, type DeployModelResult } from './deploy.ts';
import { measureVerifyGas, type VerifyGas } from './gas.ts';
import { createInProcessChain } from './inProcess.ts';
import type { SnarkjsProof } from './proof.ts';
import { verifyOnChain, type OnChainVerification } from './verifyOnChain.ts';

export interface RoundTripOptions {
  buildDir: string;
  proof: SnarkjsProof;
  publicSignals: readonly (string | bigint)[];
  /** Reuse a registry instead of deploying one. */
  registry?: Address;
  modelId?: string;
  /** Also measure gas (two more transactions). Default true. */
  measureGas?: boolean;
}

export interface RoundTripResult {
  /** 'in-process' or the RPC URL. */
  chain: string;
  deployment: DeployModelResult;
  verification: OnChainVerification;
  gas?: VerifyGas;
}

/** Deploys, registers, submits and (optionally) measures; `target` omitted = embedded in-process chain. */
export async function deployAndVerify(opts: RoundTripOptions & Partial<ChainOptions>): Promise<RoundTripResult> {
  const embedded = !('client' in opts && opts.client) && !('rpc' in opts && opts.rpc) ? await createInProcessChain() : undefined;
  try {
    const client: ChainClients = embedded ?? (await resolveClients(opts as ChainOptions, { chainId: opts.chainId, needWallet: true }));
    const target = { client };
    const deployment = await deployModel({ ...target, buildDir: opts.buildDir, registry: opts.registry, modelId: opts.modelId });
    const verification = await verifyOnChain({
      ...target, buildDir: opts.buildDir, proof: opts.proof, publicSignals: opts.publicSignals,
      address: deployment.registry, modelId: deployment.modelId, submit: true,
    });
    const gas = opts.measureGas === false || !verification.valid
      ? undefined
      : await measureVerifyGas({
        ...target, proof: opts.proof, publicSignals: opts.publicSignals,
        verifier: deployment.verifier, registry: deployment.registry, modelId: deployment.modelId,
      });
    return { chain: embedded ? 'in-process' : (client.rpc ?? 'custom client'), deployment, verification, gas };
  } finally {
    await embedded?.close();
  }
}
