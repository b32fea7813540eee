/**
 * Reductions over axes. Folded on constants; on runtime tensors ReduceSum becomes a
 * `linear` node, ReduceMean a `mean` node and ReduceMax a `max` node.
 * Axes: attribute, or input (ReduceSum since opset 13, the others since opset 18).
 */
import { NotSupported, type ImportContext, type OpImpl, type OpNode } from '../context.ts';
import { forEachIndex, normAxis, strides } from '../indexing.ts';
import { size } from '../ir.ts';
import { constant, type Value } from '../values.ts';
import { axesOf, input, requireFloat, requireNumeric, shapeError } from './common.ts';
import type { OpRegistry } from './registry.ts';

interface Reduction {
  shape: number[];
  /** Input flat indices per output element. */
  windows: Int32Array[];
}

function reduction(n: OpNode, x: Value): Reduction | undefined {
  const r = x.shape.length;
  const keep = n.attrs.int('keepdims', 1) !== 0;
  let axes = axesOf(n, 1);
  if (!axes || axes.length === 0) {
    if (n.attrs.int('noop_with_empty_axes', 0) !== 0) return undefined;
    axes = x.shape.map((_, i) => i);
  }
  const set = new Set(
    axes.map((a) => {
      const b = normAxis(a, r);
      if (b === undefined) throw shapeError(n, `axis ${a} is out of range for rank ${r}`);
      return b;
    }),
  );
  const keptShape = x.shape.map((d, i) => (set.has(i) ? 1 : d));
  const shape = keep ? keptShape : x.shape.filter((_, i) => !set.has(i));
  const outStr = strides(keptShape);
  const groups: number[][] = Array.from({ length: size(keptShape) }, () => []);
  forEachIndex(x.shape, (idx, f) => {
    let o = 0;
    for (let i = 0; i < r; i++) if (!set.has(i)) o += idx[i] * outStr[i];
    groups[o].push(f);
  });
  return { shape, windows: groups.map((g) => Int32Array.from(g)) };
}

function reduceOp(name: string, fold: (xs: number[]) => number, lower?: 'sum' | 'mean' | 'max'): OpImpl {
  const impl: OpImpl = (n: OpNode, ctx: ImportContext) => {
    const x = input(n, 0);
    const red = reduction(n, x);
    if (!red) return [x];
    if (x.kind === 'const') {
      return [constant(x.dtype, red.shape, Float64Array.from(red.windows, (w) => fold(Array.from(w, (i) => x.data[i]))))];
    }
    if (lower === 'max') requireNumeric(n, x);
    else if (lower === 'sum') requireNumeric(n, x, 'input', true);
    else requireFloat(n, x);
    if (!lower) throw new NotSupported(`'${name}' on a runtime tensor is not supported (ReduceSum, ReduceMean and ReduceMax are)`);
    if (red.windows.some((w) => w.length === 0)) throw shapeError(n, 'reduction over an empty axis');
    if (lower === 'sum') {
      const lb = ctx.linear(n, name, red.shape, [x]);
      for (const w of red.windows) {
        for (const i of w) lb.add(0, i, 1);
        lb.endRow(0);
      }
      return [lb.finish(x.dtype)];
    }
    const outName = ctx.claim(n.outputs[0] || n.name);
    if (lower === 'mean') {
      const divisor = Int32Array.from(red.windows, (w) => w.length);
      ctx.add({ op: 'mean', name: outName, origin: n.name, shape: red.shape, input: x.ref, windows: red.windows, divisor });
    } else {
      ctx.add({ op: 'max', name: outName, origin: n.name, shape: red.shape, input: x.ref, windows: red.windows });
    }
    return [{ kind: 'runtime', dtype: x.dtype, shape: red.shape, ref: outName }];
  };
  Object.defineProperty(impl, 'name', { value: name });
  return impl;
}

export const ReduceSum = reduceOp('ReduceSum', (xs) => xs.reduce((a, b) => a + b, 0), 'sum');
export const ReduceMean = reduceOp('ReduceMean', (xs) => xs.reduce((a, b) => a + b, 0) / xs.length, 'mean');
export const ReduceMax = reduceOp('ReduceMax', (xs) => Math.max(...xs), 'max');
export const ReduceMin = reduceOp('ReduceMin', (xs) => Math.min(...xs));
export const ReduceProd = reduceOp('ReduceProd', (xs) => xs.reduce((a, b) => a * b, 1));

export function register(reg: OpRegistry): void {
  reg.runtime({ ReduceSum, ReduceMean, ReduceMax });
  reg.foldOnly({ ReduceMin, ReduceProd });
}
