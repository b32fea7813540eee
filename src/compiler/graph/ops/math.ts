/**
 * Arithmetic ops: elementwise binary/unary math, n-ary Sum/Mean/Min/Max, MatMul and Gemm.
 *
 * At runtime only affine forms are lowered (to `linear` nodes): tensor ± tensor, tensor ±
 * constant, tensor × constant, tensor ÷ constant, Neg, Sum, Mean, and MatMul/Gemm with one
 * constant operand. Everything else folds when its inputs are constants and is reported
 * unsupported otherwise.
 */
import { isInteger, type DType } from '../../parse/dtypes.ts';
import { NotSupported, type ImportContext, type OpImpl, type OpNode } from '../context.ts';
import { broadcastMap } from '../indexing.ts';
import { size } from '../ir.ts';
import { constant, describeShape, type ConstValue, type RuntimeValue, type Value } from '../values.ts';
import { broadcastOrThrow, foldElementwise, input, requireFloat, requireNumeric, shapeError } from './common.ts';
import type { OpRegistry } from './registry.ts';

const allConst = (vs: Value[]): vs is ConstValue[] => vs.every((v) => v.kind === 'const');

/** Integer division truncates toward zero (C semantics, as onnxruntime computes it). */
const divide = (dtype: DType) => (a: number, b: number): number => (isInteger(dtype) ? Math.trunc(a / b) : a / b);

/**
 * Lowers Σ_k coef_k · operand_k (broadcast) + constants to one linear node.
 * `coefs[k]` multiplies operand k when it is a runtime tensor; constant operands are folded
 * into the bias with the same coefficient.
 */
function affineSum(ctx: ImportContext, n: OpNode, kind: string, operands: Value[], coefs: number[], scale = 1): Value {
  const shape = broadcastOrThrow(n, ...operands.map((v) => v.shape));
  const maps = operands.map((v) => broadcastMap(shape, v.shape));
  const runtime: RuntimeValue[] = [];
  const slot = operands.map((v) => (v.kind === 'runtime' ? runtime.push(kind === 'Mean' ? requireFloat(n, v) : requireNumeric(n, v, 'input', true)) - 1 : -1));
  const lb = ctx.linear(n, kind, shape, runtime);
  for (let o = 0; o < size(shape); o++) {
    let bias = 0;
    operands.forEach((v, k) => {
      if (v.kind === 'const') bias += coefs[k] * scale * v.data[maps[k][o]];
      else lb.add(slot[k], maps[k][o], coefs[k] * scale);
    });
    lb.endRow(bias);
  }
  return lb.finish(runtime[0].dtype);
}

/** y = x ⊙ c (broadcast) with constant c: coefficient c per element. */
function scaleBy(ctx: ImportContext, n: OpNode, kind: string, x: RuntimeValue, c: ConstValue, f: (c: number) => number): Value {
  const shape = broadcastOrThrow(n, x.shape, c.shape);
  const mx = broadcastMap(shape, x.shape);
  const mc = broadcastMap(shape, c.shape);
  // Integer Div truncates (not affine); integer Mul by an integer constant is exact.
  const lb = ctx.linear(n, kind, shape, [kind === 'Div' ? requireFloat(n, x) : requireNumeric(n, x, 'input', true)]);
  for (let o = 0; o < size(shape); o++) {
    lb.add(0, mx[o], f(c.data[mc[o]]));
    lb.endRow(0);
  }
  return lb.finish(x.dtype);
}

export function Add(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  if (a.kind === 'const' && b.kind === 'const') return [foldElementwise(n, [a, b], (x, y) => x + y)];
  return [affineSum(ctx, n, 'Add', [a, b], [1, 1])];
}

export function Sub(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  if (a.kind === 'const' && b.kind === 'const') return [foldElementwise(n, [a, b], (x, y) => x - y)];
  return [affineSum(ctx, n, 'Sub', [a, b], [1, -1])];
}

export function Mul(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  if (a.kind === 'const' && b.kind === 'const') return [foldElementwise(n, [a, b], (x, y) => x * y)];
  if (a.kind === 'runtime' && b.kind === 'const') return [scaleBy(ctx, n, 'Mul', a, b, (c) => c)];
  if (a.kind === 'const' && b.kind === 'runtime') return [scaleBy(ctx, n, 'Mul', b, a, (c) => c)];
  throw new NotSupported('it multiplies two runtime tensors (a product of activations); only multiplication by a constant is supported');
}

export function Div(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  if (a.kind === 'const' && b.kind === 'const') return [foldElementwise(n, [a, b], divide(a.dtype))];
  if (a.kind === 'runtime' && b.kind === 'const') {
    if (b.data.some((x) => x === 0)) throw new NotSupported('it divides by a constant that contains 0');
    return [scaleBy(ctx, n, 'Div', a, b, (c) => 1 / c)];
  }
  throw new NotSupported('it divides by a runtime tensor; only division by a constant is supported');
}

export function Neg(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  if (x.kind === 'const') return [foldElementwise(n, [x], (v) => -v)];
  return [affineSum(ctx, n, 'Neg', [x], [-1])];
}

/** Sum of any number of inputs (broadcast). */
export function Sum(n: OpNode, ctx: ImportContext): Value[] {
  const xs = n.inputs.filter((v): v is Value => v !== undefined);
  if (allConst(xs)) return [foldElementwise(n, xs, (...v) => v.reduce((s, t) => s + t, 0))];
  return [affineSum(ctx, n, 'Sum', xs, xs.map(() => 1))];
}

/** Mean of any number of inputs (broadcast). */
export function Mean(n: OpNode, ctx: ImportContext): Value[] {
  const xs = n.inputs.filter((v): v is Value => v !== undefined);
  if (allConst(xs)) return [foldElementwise(n, xs, (...v) => v.reduce((s, t) => s + t, 0) / v.length)];
  return [affineSum(ctx, n, 'Mean', xs, xs.map(() => 1), 1 / xs.length)];
}

/** A binary or n-ary function that only folds on constants. */
function foldOnly(name: string, fn: (n: OpNode) => (...xs: number[]) => number, outDtype?: (n: OpNode, x: ConstValue) => DType): OpImpl {
  const impl: OpImpl = (n) => {
    const xs = n.inputs.filter((v): v is Value => v !== undefined);
    if (!allConst(xs)) {
      throw new NotSupported(
        `'${name}' on a runtime tensor has no exact, cheap circuit form; it is only supported when all its inputs are compile-time constants`,
      );
    }
    return [foldElementwise(n, xs, fn(n), outDtype ? outDtype(n, xs[0]) : xs[0].dtype)];
  };
  Object.defineProperty(impl, 'name', { value: name });
  return impl;
}

const pyMod = (a: number, b: number): number => {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
};

/** Round half to even, as ONNX Round specifies. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

export const Pow = foldOnly('Pow', () => (a, b) => a ** b);
export const Mod = foldOnly('Mod', (n) => (n.attrs.int('fmod', 0) ? (a, b) => a % b : pyMod));
export const Abs = foldOnly('Abs', () => Math.abs);
export const Sqrt = foldOnly('Sqrt', () => Math.sqrt);
export const Reciprocal = foldOnly('Reciprocal', () => (x) => 1 / x);
export const Exp = foldOnly('Exp', () => Math.exp);
export const Log = foldOnly('Log', () => Math.log);
export const Floor = foldOnly('Floor', () => Math.floor);
export const Ceil = foldOnly('Ceil', () => Math.ceil);
export const Round = foldOnly('Round', () => roundHalfEven);
export const Sign = foldOnly('Sign', () => Math.sign);
export const Sin = foldOnly('Sin', () => Math.sin);
export const Cos = foldOnly('Cos', () => Math.cos);
export const Tan = foldOnly('Tan', () => Math.tan);
export const Softplus = foldOnly('Softplus', () => (x) => Math.log1p(Math.exp(x)));
export const Min = foldOnly('Min', () => (...xs) => Math.min(...xs));

/**
 * Max: folds on constants; at runtime, Max(x, 0) is Relu and Max of runtime tensors of
 * one shape is an elementwise `max` over their concatenation.
 */
export function Max(n: OpNode, ctx: ImportContext): Value[] {
  const xs = n.inputs.filter((v): v is Value => v !== undefined);
  if (allConst(xs)) return [foldElementwise(n, xs, (...v) => Math.max(...v))];
  const runtime = xs.filter((v): v is RuntimeValue => v.kind === 'runtime');
  const consts = xs.filter((v): v is ConstValue => v.kind === 'const');
  const shape = broadcastOrThrow(n, ...xs.map((v) => v.shape));
  if (consts.length > 0) {
    const zeros = consts.every((c) => c.data.every((x) => x === 0));
    if (runtime.length === 1 && zeros && describeShape(runtime[0].shape) === describeShape(shape)) {
      const name = ctx.claim(n.outputs[0] || n.name);
      ctx.add({ op: 'relu', name, origin: n.name, shape, input: requireNumeric(n, runtime[0]).ref });
      return [{ kind: 'runtime', dtype: runtime[0].dtype, shape, ref: name }];
    }
    throw new NotSupported('Max with a constant operand is only supported as Max(x, 0) (= Relu)');
  }
  if (runtime.length === 1) return [runtime[0]];
  // Concatenate the (broadcast) operands, then take the max over each element's k copies.
  const total = size(shape);
  const maps = runtime.map((v) => broadcastMap(shape, v.shape));
  const lb = ctx.linear(n, 'Concat', [runtime.length * total], runtime, `${n.outputs[0] || n.name}::operands`);
  for (let k = 0; k < runtime.length; k++) {
    for (let o = 0; o < total; o++) {
      lb.add(k, maps[k][o], 1);
      lb.endRow(0);
    }
  }
  const cat = lb.finish(runtime[0].dtype);
  const windows = Array.from({ length: total }, (_, o) => Int32Array.from(runtime, (_, k) => k * total + o));
  const name = ctx.claim(n.outputs[0] || n.name);
  ctx.add({ op: 'max', name, origin: n.name, shape, input: cat.ref, windows });
  return [{ kind: 'runtime', dtype: runtime[0].dtype, shape, ref: name }];
}

/**
 * Matrix product y[b, m, n] = alpha · Σ_k A[b, m, k] · B[b, k, n] with batch broadcasting,
 * where at most one of A, B is a runtime tensor. Optional C (Gemm) is added with `beta`.
 */
function contract(
  ctx: ImportContext,
  n: OpNode,
  kind: string,
  a: Value,
  b: Value,
  opts: { transA: boolean; transB: boolean; alpha: number; c?: Value; beta: number; outShape?: number[] },
): Value {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, K] = opts.transA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [K2, N] = opts.transB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (K !== K2) throw shapeError(n, `inner dimensions differ: ${describeShape(a.shape)} × ${describeShape(b.shape)}`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastOrThrow(n, batchA, batchB);
  const mapA = broadcastMap(batch, batchA);
  const mapB = broadcastMap(batch, batchB);
  const shape = [...batch, M, N];
  const outShape = opts.outShape ?? shape;
  const total = size(shape);
  const c = opts.c;
  if (c && (c.shape.length > 2 || broadcastOrThrow(n, [M, N], c.shape).join() !== [M, N].join())) {
    throw shapeError(n, `C of shape ${describeShape(c.shape)} does not broadcast to [${M}, ${N}]`);
  }
  const mapC = c ? broadcastMap([M, N], c.shape) : undefined;
  const idxA = (bb: number, m: number, k: number): number => mapA[bb] * M * K + (opts.transA ? k * M + m : m * K + k);
  const idxB = (bb: number, k: number, j: number): number => mapB[bb] * K * N + (opts.transB ? j * K + k : k * N + j);

  if (a.kind === 'const' && b.kind === 'const' && (!c || c.kind === 'const')) {
    const out = new Float64Array(total);
    for (let bb = 0, o = 0; bb < size(batch); bb++) {
      for (let m = 0; m < M; m++) {
        for (let j = 0; j < N; j++, o++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += a.data[idxA(bb, m, k)] * b.data[idxB(bb, k, j)];
          out[o] = opts.alpha * acc + (c && mapC ? opts.beta * (c as ConstValue).data[mapC[m * N + j]] : 0);
        }
      }
    }
    return constant(a.dtype, outShape, out);
  }
  if (a.kind === 'runtime' && b.kind === 'runtime') {
    throw new NotSupported('both of its operands are runtime tensors (a product of activations); one must be a constant (weights)');
  }
  const runtime: RuntimeValue[] = [requireNumeric(n, (a.kind === 'runtime' ? a : b) as RuntimeValue)];
  if (c?.kind === 'runtime') runtime.push(requireNumeric(n, c, 'input C', true));
  const lb = ctx.linear(n, kind, outShape, runtime);
  for (let bb = 0; bb < size(batch); bb++) {
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < N; j++) {
        for (let k = 0; k < K; k++) {
          if (a.kind === 'runtime') lb.add(0, idxA(bb, m, k), opts.alpha * (b as ConstValue).data[idxB(bb, k, j)]);
          else lb.add(0, idxB(bb, k, j), opts.alpha * a.data[idxA(bb, m, k)]);
        }
        let bias = 0;
        if (c && mapC) {
          if (c.kind === 'const') bias = opts.beta * c.data[mapC[m * N + j]];
          else lb.add(1, mapC[m * N + j], opts.beta);
        }
        lb.endRow(bias);
      }
    }
  }
  return lb.finish(runtime[0].dtype);
}

/** MatMul with numpy semantics (1-D operands are promoted, then the added axis removed). */
export function MatMul(n: OpNode, ctx: ImportContext): Value[] {
  let a = input(n, 0);
  let b = input(n, 1);
  if (a.shape.length === 0 || b.shape.length === 0) throw shapeError(n, 'MatMul operands cannot be scalars');
  const a1 = a.shape.length === 1;
  const b1 = b.shape.length === 1;
  if (a1) a = { ...a, shape: [1, a.shape[0]] };
  if (b1) b = { ...b, shape: [b.shape[0], 1] };
  const batch = broadcastOrThrow(n, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, ...(a1 ? [] : [a.shape[a.shape.length - 2]]), ...(b1 ? [] : [b.shape[b.shape.length - 1]])];
  return [contract(ctx, n, 'MatMul', a, b, { transA: false, transB: false, alpha: 1, beta: 0, outShape })];
}

/** Gemm: Y = alpha · A' · B' + beta · C (A' = A or Aᵀ, B' = B or Bᵀ; C broadcast to [M, N]). */
export function Gemm(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  const c = n.inputs[2];
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw shapeError(n, `Gemm needs 2-D A and B, got ${describeShape(a.shape)} and ${describeShape(b.shape)}`);
  }
  const alpha = n.attrs.float('alpha', 1);
  const beta = n.attrs.float('beta', 1);
  return [
    contract(ctx, n, 'Gemm', a, b, {
      transA: n.attrs.int('transA', 0) !== 0,
      transB: n.attrs.int('transB', 0) !== 0,
      alpha,
      beta,
      c: c && beta !== 0 ? c : undefined,
    }),
  ];
}

export function register(reg: OpRegistry): void {
  reg.runtime({ Add, Sub, Mul, Div, Neg, Sum, Mean, Max, MatMul, Gemm });
  reg.foldOnly({ Pow, Mod, Abs, Sqrt, Reciprocal, Exp, Log, Floor, Ceil, Round, Sign, Sin, Cos, Tan, Softplus, Min });
}

