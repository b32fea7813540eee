/**
 * Comparisons and boolean logic: folded on constants (masks in shape subgraphs). Where with
 * a constant condition also works on runtime tensors (a 0/1 gather from X and Y).
 */
import { NotSupported, type ImportContext, type OpImpl, type OpNode } from '../context.ts';
import { broadcastMap } from '../indexing.ts';
import type { Value } from '../values.ts';
import { broadcastOrThrow, foldElementwise, gather, input } from './common.ts';
import type { OpRegistry } from './registry.ts';

function predicate(name: string, fn: (...xs: number[]) => boolean): OpImpl {
  const impl: OpImpl = (n) => {
    const xs = n.inputs.filter((v): v is Value => v !== undefined);
    if (xs.some((v) => v.kind !== 'const')) {
      throw new NotSupported(`'${name}' on a runtime tensor is not supported; it is only supported when its inputs are compile-time constants`);
    }
    return [foldElementwise(n, xs as never, (...v) => (fn(...v) ? 1 : 0), 'bool')];
  };
  Object.defineProperty(impl, 'name', { value: name });
  return impl;
}

export const Equal = predicate('Equal', (a, b) => a === b);
export const Less = predicate('Less', (a, b) => a < b);
export const Greater = predicate('Greater', (a, b) => a > b);
export const LessOrEqual = predicate('LessOrEqual', (a, b) => a <= b);
export const GreaterOrEqual = predicate('GreaterOrEqual', (a, b) => a >= b);
export const Not = predicate('Not', (a) => a === 0);
export const And = predicate('And', (a, b) => a !== 0 && b !== 0);
export const Or = predicate('Or', (a, b) => a !== 0 || b !== 0);
export const Xor = predicate('Xor', (a, b) => (a !== 0) !== (b !== 0));
export const IsNaN = predicate('IsNaN', (a) => Number.isNaN(a));

/** Where(cond, X, Y): cond must be a constant; X and Y may be runtime tensors. */
export function Where(n: OpNode, ctx: ImportContext): Value[] {
  const cond = input(n, 0, 'condition');
  const x = input(n, 1, 'X');
  const y = input(n, 2, 'Y');
  if (cond.kind !== 'const') throw new NotSupported('its condition depends on the model input (a data-dependent select)');
  const shape = broadcastOrThrow(n, cond.shape, x.shape, y.shape);
  const mc = broadcastMap(shape, cond.shape);
  const mx = broadcastMap(shape, x.shape);
  const my = broadcastMap(shape, y.shape);
  return [gather(ctx, n, 'Where', shape, [x, y], (o) => (cond.data[mc[o]] !== 0 ? [0, mx[o]] : [1, my[o]]))];
}

export function register(reg: OpRegistry): void {
  reg.runtime({ Where });
  reg.foldOnly({ Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not, And, Or, Xor, IsNaN });
}
