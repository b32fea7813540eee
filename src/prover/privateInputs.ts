/**
 * The private circuit inputs of the visibility options (design §4), beside `in`/`inPacked`:
 *   inputSalt / outputSalt    (input / output 'hashed': the salts of their commitments)
 *   w[W], weightsSalt         (weights 'committed': the weights, commitment order, and their salt)
 * Never written anywhere public: they only go into the witness.
 */
import { ProofError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { requireSalts, type Salts } from './commitment/salts.ts';
import type { WeightsFile } from './commitment/weightsFile.ts';

export interface PrivateInputs {
  /** Salts of the input and output commitments (a salt file: commitment/salts.ts). */
  salts?: Salts;
  /** Committed-weights builds: the weights and their salt (default: the build's weights.json). */
  weights?: WeightsFile;
}

export function privateSignals(manifest: Manifest, p: PrivateInputs): Record<string, bigint | bigint[]> {
  const out: Record<string, bigint | bigint[]> = {};
  const salts = requireSalts(manifest, p.salts);
  if (manifest.visibility.input === 'hashed') out.inputSalt = salts.input!;
  if (manifest.visibility.output === 'hashed') out.outputSalt = salts.output!;
  if (manifest.visibility.weights === 'committed') {
    const w = p.weights;
    if (!w) {
      throw new ProofError('WEIGHTS_MISSING', `${manifest.name} takes its weights as private inputs, and none were given`, {
        fix: 'keep weights.json in the build directory (zkinfer compile writes it), or pass the weights file',
      });
    }
    const count = manifest.weights?.count;
    if (w.values.length !== count) {
      throw new ProofError('WEIGHTS_COUNT', `${manifest.name} takes ${count} weights, got ${w.values.length}`, { fix: 'use a weights file made for this build' });
    }
    out.w = w.values;
    out.weightsSalt = w.salt;
  }
  return out;
}
