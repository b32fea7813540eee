/**
 * Composition of two linear nodes: B ∘ A, where A is one of B's inputs. The result has B's
 * name and shape and reads A's inputs in place of A:
 *   y = B_A · (M_A · x_A + b_A) + B_rest · x_rest + b_B.
 */
import { CsrBuilder } from '../csr.ts';
import { size, type LinearNode } from '../ir.ts';

/** Joins op kinds for reports ('Conv' + 'BatchNormalization' → 'Conv+BatchNormalization'); output Identity nodes add nothing. */
function joinKinds(a: string, b: string): string {
  if (b === 'Identity') return a;
  if (a === 'Identity') return b;
  return `${a}+${b}`;
}

function joinOrigins(a: string, b: string): string {
  const parts = [...new Set([...a.split(', '), ...b.split(', ')])].filter((s) => s);
  return parts.join(', ');
}

/** Column offset of each input, given every tensor's size. */
function offsets(inputs: string[], sizeOf: (name: string) => number): Map<string, number> {
  const m = new Map<string, number>();
  let off = 0;
  for (const i of inputs) {
    m.set(i, off);
    off += sizeOf(i);
  }
  return m;
}

/** For each column, the index of the input it belongs to. */
function owners(inputs: string[], sizeOf: (name: string) => number): Int32Array {
  const total = inputs.reduce((s, i) => s + sizeOf(i), 0);
  const own = new Int32Array(total);
  let off = 0;
  inputs.forEach((i, k) => {
    own.fill(k, off, off + sizeOf(i));
    off += sizeOf(i);
  });
  return own;
}

export function composeLinear(a: LinearNode, b: LinearNode, sizeOf: (name: string) => number): LinearNode {
  const j = b.inputs.indexOf(a.name);
  if (j < 0) throw new Error(`internal: '${a.name}' is not an input of '${b.name}'`);
  const inputs = [...new Set([...b.inputs.slice(0, j), ...a.inputs, ...b.inputs.slice(j + 1)])];
  const newOff = offsets(inputs, sizeOf);
  const bOff = offsets(b.inputs, sizeOf);
  const aOff = offsets(a.inputs, sizeOf);
  const bOwn = owners(b.inputs, sizeOf);
  const aOwn = owners(a.inputs, sizeOf);
  const aStart = bOff.get(a.name)!;
  const cols = inputs.reduce((s, i) => s + sizeOf(i), 0);
  const csr = new CsrBuilder(cols);
  const bias = new Float64Array(b.bias.length);
  const B = b.matrix;
  const A = a.matrix;
  for (let r = 0; r < B.rows; r++) {
    let c0 = b.bias[r];
    for (let k = B.rowPtr[r]; k < B.rowPtr[r + 1]; k++) {
      const col = B.colIdx[k];
      const v = B.values[k];
      const owner = b.inputs[bOwn[col]];
      if (owner !== a.name) {
        csr.add(newOff.get(owner)! + (col - bOff.get(owner)!), v);
        continue;
      }
      const ar = col - aStart;
      c0 += v * a.bias[ar];
      for (let k2 = A.rowPtr[ar]; k2 < A.rowPtr[ar + 1]; k2++) {
        const col2 = A.colIdx[k2];
        const owner2 = a.inputs[aOwn[col2]];
        csr.add(newOff.get(owner2)! + (col2 - aOff.get(owner2)!), v * A.values[k2]);
      }
    }
    bias[r] = c0;
    csr.endRow();
  }
  if (B.rows !== size(b.shape)) throw new Error(`internal: '${b.name}' rows differ from its shape`);
  return {
    op: 'linear',
    name: b.name,
    origin: joinOrigins(a.origin, b.origin),
    shape: [...b.shape],
    inputs,
    matrix: csr.build(),
    bias,
    kind: joinKinds(a.kind, b.kind),
  };
}
