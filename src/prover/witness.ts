/**
 * The circom WebAssembly witness calculator of a build, loaded once.
 *
 * circom writes model_js/witness_calculator.js as CommonJS (module.exports = builder); it is
 * loaded through createRequire and instantiated with the build's model.wasm. `calculate`
 * returns the witness in snarkjs's .wtns format, in memory. Given the build, it also supplies
 * the accumulators of external linear layers (witnessInputs.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { ArtifactError, ProofError } from '../errors.ts';
import type { CircuitInput } from './encodeInput.ts';
import type { Manifest } from '../manifest.ts';
import { ExternalAccumulators } from './witnessInputs.ts';
import { ensureNativeWitness, NativeWitness } from './witnessNative.ts';

/** Which witness generator runs: circom's WebAssembly (default) or its C++ built natively (witnessNative.ts). */
export type WitnessBackend = 'wasm' | 'native';

interface CircomWitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: boolean): Promise<Uint8Array>;
}
type Builder = (code: Uint8Array, options?: Record<string, unknown>) => Promise<CircomWitnessCalculator>;

export class WitnessCalculator {
  private constructor(
    private readonly wc: CircomWitnessCalculator,
    private readonly external?: ExternalAccumulators,
  ) {}

  /**
   * `build`: the build directory and manifest, needed when it has external linear layers and
   * for the native backend (whose binary must have been built: ensureNativeWitness).
   */
  static async load(
    wasmFile: string,
    calculatorFile: string,
    build?: { dir: string; manifest: Manifest },
    backend: WitnessBackend = 'wasm',
  ): Promise<WitnessCalculator> {
    const external = build ? await ExternalAccumulators.load(build.dir, build.manifest) : undefined;
    if (backend === 'native') {
      if (!build) throw new Error('the native witness backend needs the build');
      return new WitnessCalculator(await NativeWitness.load(build.dir, build.manifest), external);
    }
    let builder: Builder;
    try {
      // require() resolves relative paths against this module, not the working directory.
      builder = createRequire(import.meta.url)(resolve(calculatorFile)) as Builder;
    } catch (e) {
      throw new ArtifactError('WITNESS_CALCULATOR', `cannot load ${calculatorFile}: ${(e as Error).message}`, {
        cause: e,
        fix: 'recompile with `zkinfer compile`',
        details: { file: calculatorFile },
      });
    }
    try {
      const code = await readFile(wasmFile);
      return new WitnessCalculator(await builder(code), external);
    } catch (e) {
      throw new ArtifactError('WITNESS_CALCULATOR', `cannot instantiate ${wasmFile}: ${(e as Error).message}`, {
        cause: e,
        fix: 'recompile with `zkinfer compile`',
        details: { file: wasmFile },
      });
    }
  }

  /** The .wtns bytes for these circuit inputs. */
  async calculate(input: CircuitInput): Promise<Uint8Array> {
    const all = this.external ? { ...input, ...this.external.signals(input as Record<string, unknown>) } : input;
    try {
      return await this.wc.calculateWTNSBin(all as Record<string, unknown>, false);
    } catch (e) {
      const msg = String((e as Error)?.message ?? e).trim().replace(/\s+/g, ' ');
      throw new ProofError('WITNESS_FAILED', `witness generation failed: ${msg}`, {
        cause: e,
        fix: 'the input does not satisfy the circuit (check it against the manifest: shape, range); if it does, recompile the model',
      });
    }
  }
}

export interface WitnessOptions {
  /** 'native': circom's C++ generator, built on first use (needs g++, nasm, GMP, nlohmann-json). Default 'wasm'. */
  witness?: WitnessBackend;
  /** Lines of the native build (circom --c, make), when it runs. */
  onNativeBuild?: (line: string) => void;
}

/** The witness calculator of a loaded build (building the native generator first if asked and needed). */
export async function loadWitness(build: { dir: string; manifest: Manifest; paths: { wasm: string }; witnessCalculator: string }, options: WitnessOptions = {}): Promise<WitnessCalculator> {
  const backend = options.witness ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'native') {
    throw new ProofError('WITNESS_BACKEND', `unknown witness generator '${String(backend)}'`, { fix: 'use wasm or native' });
  }
  if (backend === 'native') await ensureNativeWitness(build.dir, build.manifest, options.onNativeBuild);
  return WitnessCalculator.load(build.paths.wasm, build.witnessCalculator, build, backend);
}
