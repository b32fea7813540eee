/**
 * Prover: loads a build's proving key, witness generator and the BN254 curve once, then
 * proves many inputs (design §7).
 *
 * Per proof: input encoding, witness (circom wasm, in memory), then snarkjs groth16.prove on
 * in-memory zkey and witness (no disk I/O). snarkjs still scans the zkey's section table,
 * parses its small header and copies each section out of the in-memory buffer on every call
 * (groth16_prove.js reads sections via binfileutils); that is a memcpy, negligible next to the
 * FFTs and multi-exponentiations, and avoiding it would mean forking snarkjs's prover.
 * prove() calls are serialised (one witness calculator instance; snarkjs already uses all cores).
 */
import { ArtifactError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { assertHash, loadBuild, type LoadedBuild } from './artifacts.ts';
import { encodeInput, isCircuitInput, type CircuitInput } from './encodeInput.ts';
import { bn128, loadSnarkjs, type Groth16Proof } from './lib/snarkjs.ts';
import { makeProofFile, type ProofFile } from './proofFile.ts';
import { decodePublicSignals, type DecodedPublicSignals, type DecodedTensor } from './publicSignals.ts';
import { loadWitness, type WitnessCalculator, type WitnessOptions } from './witness.ts';
import { privateSignals, type PrivateInputs } from './privateInputs.ts';
import { readWeightsFile, weightsFileOf, type WeightsFile } from './commitment/weightsFile.ts';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Decoded outputs (and public inputs) from the public signals. */
  outputs: DecodedTensor[];
  inputs: DecodedTensor[];
  /** Poseidon commitments among the public signals, if the build has any. */
  commitments: DecodedPublicSignals['commitments'];
  witnessMs: number;
  proveMs: number;
}

export class Prover {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly build: LoadedBuild,
    private readonly zkey: Uint8Array,
    private readonly witness: WitnessCalculator,
    /** Committed-weights builds: the build's weights.json (private), when present. */
    private readonly weights?: WeightsFile,
  ) {}

  get manifest(): Manifest {
    return this.build.manifest;
  }

  /** Checks the build (manifest, zkey/vkey hashes, witness generator) and loads it. */
  static async load(buildDir: string, options: WitnessOptions = {}): Promise<Prover> {
    const build = await loadBuild(buildDir, { needSetup: true, artifacts: ['wasm', 'vkey'] });
    const setup = build.manifest.setup as NonNullable<Manifest['setup']>;
    let zkey: Uint8Array;
    try {
      zkey = await readFile(build.paths.zkey);
    } catch (e) {
      throw new ArtifactError('ARTIFACT_MISSING', `${build.paths.zkey} is missing`, {
        cause: e,
        fix: `run \`zkinfer setup ${buildDir}\``,
        details: { file: build.paths.zkey },
      });
    }
    assertHash(build.paths.zkey, zkey, setup.zkeySha256, 'setup.zkeySha256', `run \`zkinfer setup ${buildDir}\``);
    const witness = await loadWitness(build, options);
    await bn128(); // build the curve (and its worker threads) now, not during the first proof
    await loadSnarkjs();
    const weightsFile = weightsFileOf(build.paths.dir);
    const weights = build.manifest.visibility.weights === 'committed' && existsSync(weightsFile) ? await readWeightsFile(weightsFile, build.manifest) : undefined;
    return new Prover(build, zkey, witness, weights);
  }

  /**
   * Proves one input: float input JSON (any encodeInput form) or already encoded signals.
   * `secrets`: the salts of hashed inputs/outputs, and other weights for a committed-weights
   * build (default: its weights.json) — see privateInputs.ts.
   */
  prove(input: unknown, secrets: PrivateInputs = {}): Promise<ProveResult> {
    if (this.closed) return Promise.reject(new Error('Prover is closed'));
    const run = this.queue.then(() => this.proveNow(input, secrets));
    this.queue = run.catch(() => {});
    return run;
  }

  /** The proof file (JSON) for a result. */
  proofFile(result: Pick<ProveResult, 'proof' | 'publicSignals'>): ProofFile {
    return makeProofFile(this.manifest, result);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private async proveNow(input: unknown, secrets: PrivateInputs): Promise<ProveResult> {
    const signals: CircuitInput = isCircuitInput(input) ? input : encodeInput(this.manifest, input);
    const extra = privateSignals(this.manifest, { ...secrets, weights: secrets.weights ?? this.weights });
    const t0 = performance.now();
    const wtns = await this.witness.calculate({ ...signals, ...extra } as CircuitInput);
    const t1 = performance.now();
    const snarkjs = await loadSnarkjs();
    const { proof, publicSignals } = await snarkjs.groth16.prove({ type: 'mem', data: this.zkey }, { type: 'mem', data: wtns });
    const t2 = performance.now();
    const decoded = decodePublicSignals(this.manifest, publicSignals);
    return { proof, publicSignals, ...decoded, witnessMs: t1 - t0, proveMs: t2 - t1 };
  }
}

/** One-shot: load, prove, close. */
export async function prove(buildDir: string, input: unknown, secrets: PrivateInputs = {}): Promise<ProveResult> {
  const prover = await Prover.load(buildDir);
  try {
    return await prover.prove(input, secrets);
  } finally {
    await prover.close();
  }
}
