/**
 * Packing of integer runs into field elements for a commitment (manifest CommitmentLayout,
 * circuits/commit_packed.circom): each value v of a run is stored as v − lo (< 2^bits) at the
 * next free bit position of the current element; a value that would pass bit 252 starts a new
 * element. Injective as long as every value is within its run's range, which is checked here
 * and range-checked (or bounded by construction) in the circuit.
 */
import { InputError } from '../../errors.ts';
import type { CommitmentLayout } from '../../manifest.ts';

export const COMMIT_PACK_BITS = 252;

export type Run = CommitmentLayout['runs'][number];

/** Number of packed elements for these runs (without the salt). */
export function packedElements(runs: readonly Run[]): number {
  let e = 1;
  let pos = 0;
  for (const r of runs) {
    if (!Number.isInteger(r.bits) || r.bits < 1 || r.bits > COMMIT_PACK_BITS) throw new RangeError(`run '${r.name}': bits ${r.bits}`);
    for (let k = 0; k < r.count; k++) {
      if (pos + r.bits > COMMIT_PACK_BITS) {
        e++;
        pos = 0;
      }
      pos += r.bits;
    }
  }
  return e;
}

/** Packs `values` (Σ run counts of them, in run order). */
export function packRuns(values: readonly bigint[], runs: readonly Run[]): bigint[] {
  const total = runs.reduce((a, r) => a + r.count, 0);
  if (values.length !== total) {
    throw new InputError('COMMIT_COUNT', `the commitment covers ${total} values (${runs.map((r) => `${r.name}: ${r.count}`).join(', ')}), got ${values.length}`, {
      fix: 'give every value the build commits to',
    });
  }
  const out: bigint[] = [0n];
  let pos = 0;
  let k = 0;
  for (const r of runs) {
    const lo = BigInt(r.lo);
    const limit = 1n << BigInt(r.bits);
    for (let j = 0; j < r.count; j++, k++) {
      const v = values[k] - lo;
      if (v < 0n || v >= limit) {
        throw new InputError('COMMIT_RANGE', `${r.name}[${j}] is outside [${lo}, ${lo + limit - 1n}], the range the circuit commits to`, {
          fix: r.name.endsWith('.bias') || r.name.endsWith('.weight')
            ? 'these weights do not fit the architecture of this build (weight/bias widths): recompile with wider --weight-bits'
            : 'check the values against the manifest',
        });
      }
      if (pos + r.bits > COMMIT_PACK_BITS) {
        out.push(0n);
        pos = 0;
      }
      out[out.length - 1] += v << BigInt(pos);
      pos += r.bits;
    }
  }
  return out;
}
