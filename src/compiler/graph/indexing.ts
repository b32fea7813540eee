/**
 * Row-major index arithmetic shared by the ops: strides, broadcasting (numpy rules),
 * axis normalisation.
 */
import { size } from './ir.ts';

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Multidirectional (numpy) broadcast of shapes; undefined when they are incompatible. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else return undefined;
    }
  }
  return out;
}

/** For each flat index of `outShape`, the flat index of the broadcast source of shape `inShape`. */
export function broadcastMap(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const n = size(outShape);
  const map = new Int32Array(n);
  const rank = outShape.length;
  const inStr = strides(inShape);
  // Stride of each output axis in the input (0 where broadcast).
  const eff = outShape.map((_, o) => {
    const i = o - (rank - inShape.length);
    return i >= 0 && inShape[i] !== 1 ? inStr[i] : 0;
  });
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let f = 0; f < n; f++) {
    map[f] = src;
    // Increment the multi-index (last axis fastest).
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      src += eff[a];
      if (idx[a] < outShape[a]) break;
      src -= eff[a] * idx[a];
      idx[a] = 0;
    }
  }
  return map;
}

/** Normalises a possibly negative axis against `rank`; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Calls fn(multiIndex, flatIndex) for every element of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    fn(idx, f);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}
