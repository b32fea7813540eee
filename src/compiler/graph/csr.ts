/**
 * Compressed sparse row matrices: a row-by-row builder (merges repeated columns, drops
 * zeros) and the helpers the passes and the interpreter need.
 */
import type { CsrMatrix } from './ir.ts';

export class CsrBuilder {
  private readonly rowPtr: number[] = [0];
  private colIdx: number[] = [];
  private values: number[] = [];
  /** Pending entries of the current row (in insertion order). */
  private pendingCols: number[] = [];
  private pendingVals: number[] = [];

  constructor(readonly cols: number) {}

  /** Adds `value` at column `col` of the current row (summed with earlier entries there). */
  add(col: number, value: number): void {
    if (!(col >= 0 && col < this.cols)) throw new RangeError(`column ${col} outside [0, ${this.cols})`);
    this.pendingCols.push(col);
    this.pendingVals.push(value);
  }

  /** Closes the current row: columns sorted, repeated columns summed, zero coefficients dropped. */
  endRow(): void {
    const cols = this.pendingCols;
    const vals = this.pendingVals;
    let increasing = true;
    for (let k = 1; k < cols.length && increasing; k++) increasing = cols[k] > cols[k - 1];
    if (increasing) {
      for (let k = 0; k < cols.length; k++) {
        if (vals[k] !== 0) {
          this.colIdx.push(cols[k]);
          this.values.push(vals[k]);
        }
      }
    } else {
      const merged = new Map<number, number>();
      for (let k = 0; k < cols.length; k++) merged.set(cols[k], (merged.get(cols[k]) ?? 0) + vals[k]);
      for (const c of [...merged.keys()].sort((a, b) => a - b)) {
        const v = merged.get(c)!;
        if (v !== 0) {
          this.colIdx.push(c);
          this.values.push(v);
        }
      }
    }
    this.pendingCols = [];
    this.pendingVals = [];
    this.rowPtr.push(this.colIdx.length);
  }

  get rows(): number {
    return this.rowPtr.length - 1;
  }

  build(): CsrMatrix {
    if (this.pendingCols.length > 0) this.endRow();
    return {
      rows: this.rows,
      cols: this.cols,
      rowPtr: Int32Array.from(this.rowPtr),
      colIdx: Int32Array.from(this.colIdx),
      values: Float64Array.from(this.values),
    };
  }
}

/** Number of stored entries. */
export const nnz = (m: CsrMatrix): number => m.rowPtr[m.rows];

/** True when every row has at most one entry (a gather, permutation, diagonal or bias-only map). */
export function isRowSelective(m: CsrMatrix): boolean {
  for (let r = 0; r < m.rows; r++) if (m.rowPtr[r + 1] - m.rowPtr[r] > 1) return false;
  return true;
}

/** True when every row has at most one entry and every entry is exactly 1 (a pure 0/1 gather). */
export function isZeroOneGather(m: CsrMatrix): boolean {
  if (!isRowSelective(m)) return false;
  for (let k = 0; k < nnz(m); k++) if (m.values[k] !== 1) return false;
  return true;
}

/** y = m · x + bias. */
export function csrApply(m: CsrMatrix, x: Float64Array, bias?: Float64Array): Float64Array {
  const y = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let acc = bias ? bias[r] : 0;
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) acc += m.values[k] * x[m.colIdx[k]];
    y[r] = acc;
  }
  return y;
}
