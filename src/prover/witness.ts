/**
 * The circom WebAssembly witness calculator of a build, loaded once.
 *
 * circom writes model_js/witness_calculator.js as CommonJS (module.exports = builder); it is
 * loaded through createRequire and instantiated with the build's model.wasm. `calculate`
 * returns the witness in snarkjs's .wtns format, in memory.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { ArtifactError, ProofError } from '../errors.ts';
import type { CircuitInput } from './encodeInput.ts';

interface CircomWitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: boolean): Promise<Uint8Array>;
}
type Builder = (code: Uint8Array, options?: Record<string, unknown>) => Promise<CircomWitnessCalculator>;

export class WitnessCalculator {
  private constructor(private readonly wc: CircomWitnessCalculator) {}

  static async load(wasmFile: string, calculatorFile: string): Promise<WitnessCalculator> {
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
      return new WitnessCalculator(await builder(code));
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
    try {
      return await this.wc.calculateWTNSBin(input as Record<string, unknown>, false);
    } catch (e) {
      const msg = String((e as Error)?.message ?? e).trim().replace(/\s+/g, ' ');
      throw new ProofError('WITNESS_FAILED', `witness generation failed: ${msg}`, {
        cause: e,
        fix: 'the input does not satisfy the circuit (check it against the manifest: shape, range); if it does, recompile the model',
      });
    }
  }
}
