/**
 * Quantized ops, ONNX QDQ and QOperator formats: QuantizeLinear, DequantizeLinear,
 * QLinearMatMul, QLinearConv, MatMulInteger and ConvInteger.
 *
 * Integer tensors (uint8/int8 codes, int32 accumulators) are runtime values whose numbers are
 * the integers themselves, so the float IR stays exact on them (float64 holds every code and
 * accumulator). The lowering keeps the integer structure where quantize/quantized.ts can see it:
 *  - QuantizeLinear(x, s, zp): a `quantize` node, y = clamp(roundHalfEven(x / s) + zp);
 *  - DequantizeLinear(q, s, zp): the linear node s·(q − zp); on constants (weights, biases) it
 *    folds to the exact product (kept as float64: s·q has at most 24 + 32 significant bits);
 *  - MatMulInteger / ConvInteger: MatMul / Conv over (a − zp_a) with constant weights (b − zp_b),
 *    an exact integer accumulator (int32); Conv's padding holds the zero point, a real zero;
 *  - QLinearMatMul / QLinearConv: the same accumulator (+ the int32 bias), then a `quantize`
 *    node with scale s_y / (s_a·s_b) per output element (per output channel with per-channel
 *    weight scales), i.e. y = clamp(round(acc · s_a·s_b / s_y) + zp_y).
 * Scales and zero points must be compile-time constants (they are initializers in every exporter).
 */
import { InputError } from '../../../errors.ts';
import { isFloat, isInteger, type DType } from '../../parse/dtypes.ts';
import { NotSupported, type ImportContext, type OpNode } from '../context.ts';
import { quantizeScalar } from '../elementwise.ts';
import { broadcastMap, normAxis } from '../indexing.ts';
import { size } from '../ir.ts';
import { constant, describeShape, type ConstValue, type RuntimeValue, type Value } from '../values.ts';
import { constInput, input, optionalConst, requireNumeric, shapeError, where } from './common.ts';
import { MatMul } from './math.ts';
import { Conv } from './nn.ts';
import type { OpRegistry } from './registry.ts';

/** Value range of the integer types quantized tensors use. */
const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

function rangeOf(n: OpNode, dtype: DType): [number, number] {
  const r = RANGE[dtype];
  if (!r) throw new NotSupported(`its quantized type ${dtype} is not supported (uint8, int8, uint16, int16 and int32 are)`);
  return r;
}

/**
 * A per-tensor or per-axis quantization parameter (scale or zero point) as a function of the
 * flat index of an element of a tensor shaped `shape`. Per-axis: 1-D with shape[axis] values.
 */
function perElement(n: OpNode, p: ConstValue, shape: number[], axis: number, what: string): (i: number) => number {
  if (size(p.shape) === 1) {
    const v = p.data[0];
    return () => v;
  }
  const a = normAxis(axis, shape.length);
  if (p.shape.length !== 1 || a === undefined || p.shape[0] !== shape[a]) {
    throw shapeError(n, `${what} of shape ${describeShape(p.shape)} is neither a scalar nor per-axis for axis ${axis} of ${describeShape(shape)}`);
  }
  const inner = size(shape.slice(a + 1));
  const d = shape[a];
  return (i) => p.data[Math.floor(i / inner) % d];
}

function positiveScales(n: OpNode, s: ConstValue, what: string): ConstValue {
  if (!isFloat(s.dtype)) throw shapeError(n, `${what} has type ${s.dtype}; scales are floats`);
  if (s.data.some((v) => !(v > 0 && Number.isFinite(v)))) {
    throw new InputError('QUANT_BAD_SCALE', `${where(n)}: ${what} must be positive and finite, got ${Array.from(s.data).slice(0, 4).join(', ')}`, {
      fix: 'the model is invalid: re-export it from the quantizer',
    });
  }
  return s;
}

/** Zero point (or its default: uint8 0) and the integer range of its type. */
function zeroPointOf(n: OpNode, i: number, what: string): { zp: ConstValue; lo: number; hi: number } {
  const zp = optionalConst(n, i, what) ?? constant('uint8', [], [0]);
  const [lo, hi] = rangeOf(n, zp.dtype);
  return { zp, lo, hi };
}

/**
 * The quantize node y = clamp(rne(x / scale(i)) + zp, lo, hi), or its folded constant.
 * `scale` is one value or one per element of x; the output is named `name`.
 */
export function emitQuantize(
  ctx: ImportContext,
  n: OpNode,
  x: Value,
  scale: Float64Array,
  zp: number,
  lo: number,
  hi: number,
  dtype: DType,
  name = n.outputs[0] || n.name,
): Value {
  const per = scale.length > 1;
  if (x.kind === 'const') {
    return constant(dtype, x.shape, x.data.map((v, i) => quantizeScalar(v, scale[per ? i : 0], zp, lo, hi)));
  }
  const out = ctx.claim(name);
  ctx.add({ op: 'quantize', name: out, origin: n.name, shape: [...x.shape], input: x.ref, scale, zeroPoint: zp, lo, hi });
  return { kind: 'runtime', dtype, shape: [...x.shape], ref: out };
}

/** x − zp (zp broadcast to x), exact: a constant, x itself when zp is 0, else a linear node. */
function centered(ctx: ImportContext, n: OpNode, x: Value, zp: ConstValue, zpShape: number[], name: string): Value {
  const z = { ...zp, shape: zpShape };
  const map = broadcastMap(x.shape, z.shape);
  if (!map) throw shapeError(n, `zero point of shape ${describeShape(zp.shape)} does not fit ${describeShape(x.shape)}`);
  if (x.kind === 'const') return constant('float64', x.shape, x.data.map((v, i) => v - z.data[map[i]]));
  requireNumeric(n, x as RuntimeValue);
  if (z.data.every((v) => v === 0)) return x;
  const lb = ctx.linear(n, 'Sub', x.shape, [x], name);
  for (let i = 0; i < size(x.shape); i++) {
    lb.add(0, i, 1);
    lb.endRow(-z.data[map[i]]);
  }
  return lb.finish('int32');
}

/** The same ONNX node seen as another op with other inputs/outputs (to reuse MatMul and Conv). */
function as(n: OpNode, opType: string, inputs: (Value | undefined)[], output: string): OpNode {
  return { ...n, opType, inputs, outputs: [output], isUsed: () => true };
}

export function QuantizeLinear(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const s = positiveScales(n, constInput(n, 1, "'y_scale' input"), "'y_scale'");
  const { zp, lo, hi } = zeroPointOf(n, 2, "'y_zero_point' input");
  const axis = n.attrs.int('axis', 1);
  const scaleOf = perElement(n, s, x.shape, axis, "'y_scale'");
  const zpOf = perElement(n, zp, x.shape, axis, "'y_zero_point'");
  const total = size(x.shape);
  if (x.kind === 'const') {
    return [constant(zp.dtype, x.shape, x.data.map((v, i) => quantizeScalar(v, scaleOf(i), zpOf(i), lo, hi)))];
  }
  requireNumeric(n, x as RuntimeValue, 'input', true);
  if (zp.data.some((v) => v !== zp.data[0])) throw new NotSupported('per-axis zero points on a runtime tensor are not supported (per-axis scales are)');
  const scale = size(s.shape) === 1 ? Float64Array.of(s.data[0]) : Float64Array.from({ length: total }, (_, i) => scaleOf(i));
  return [emitQuantize(ctx, n, x, scale, zp.data[0], lo, hi, zp.dtype)];
}

export function DequantizeLinear(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const s = positiveScales(n, constInput(n, 1, "'x_scale' input"), "'x_scale'");
  const zp = optionalConst(n, 2, "'x_zero_point' input") ?? constant(x.dtype, [], [0]);
  if (!isInteger(x.dtype)) throw shapeError(n, `input has type ${x.dtype}; DequantizeLinear takes integers`);
  const axis = n.attrs.int('axis', 1);
  const scaleOf = perElement(n, s, x.shape, axis, "'x_scale'");
  const zpOf = perElement(n, zp, x.shape, axis, "'x_zero_point'");
  if (x.kind === 'const') {
    // Exact: s is a float32 and q − zp an integer below 2^32, so the product fits float64's 53 bits.
    return [constant('float64', x.shape, x.data.map((v, i) => scaleOf(i) * (v - zpOf(i))))];
  }
  const lb = ctx.linear(n, 'DequantizeLinear', x.shape, [x]);
  for (let i = 0; i < size(x.shape); i++) {
    lb.add(0, i, scaleOf(i));
    lb.endRow(-scaleOf(i) * zpOf(i));
  }
  return [lb.finish('float32')];
}

/** Σ_k (a − zp_a)(b − zp_b) for MatMul-shaped operands, as an exact integer value (int32). */
function integerMatMul(ctx: ImportContext, n: OpNode, a: Value, b: Value, za: ConstValue, zb: ConstValue, out: string): Value {
  if (a.shape.length < 2 || b.shape.length < 2) throw new NotSupported('1-D operands of a quantized MatMul are not supported');
  const M = a.shape[a.shape.length - 2];
  const N = b.shape[b.shape.length - 1];
  const zaShape = size(za.shape) === 1 ? [] : za.shape.length === 1 && za.shape[0] === M ? [M, 1] : undefined;
  const zbShape = size(zb.shape) === 1 ? [] : zb.shape.length === 1 && zb.shape[0] === N ? [N] : undefined;
  if (!zaShape || !zbShape) throw shapeError(n, 'zero points must be scalars, per row of A or per column of B');
  const a0 = centered(ctx, n, a, za, zaShape, `${out}::a`);
  const b0 = centered(ctx, n, b, zb, zbShape, `${out}::b`);
  const [y] = MatMul(as(n, 'MatMul', [a0, b0], out), ctx);
  return { ...y, dtype: 'int32' };
}

/** Σ (x − zp_x)(w − zp_w) over the Conv windows (+ bias), as an exact integer value (int32). */
function integerConv(ctx: ImportContext, n: OpNode, x: Value, w: ConstValue, zx: ConstValue, zw: ConstValue, bias: ConstValue | undefined, out: string): Value {
  if (size(zx.shape) !== 1) throw new NotSupported('per-channel zero points of the Conv input are not supported');
  const M = w.shape[0];
  const zwShape = size(zw.shape) === 1 ? [] : zw.shape.length === 1 && zw.shape[0] === M ? [M, ...w.shape.slice(1).map(() => 1)] : undefined;
  if (!zwShape) throw shapeError(n, `weight zero point of shape ${describeShape(zw.shape)} is neither a scalar nor per output channel (${M})`);
  const x0 = centered(ctx, n, x, zx, [], `${out}::x`);
  const w0 = centered(ctx, n, w, zw, zwShape, `${out}::w`) as ConstValue;
  const [y] = Conv(as(n, 'Conv', [x0, w0, bias], out), ctx);
  return { ...y, dtype: 'int32' };
}

export function MatMulInteger(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const b = input(n, 1);
  const za = optionalConst(n, 2, "'a_zero_point' input") ?? constant(a.dtype, [], [0]);
  const zb = optionalConst(n, 3, "'b_zero_point' input") ?? constant(b.dtype, [], [0]);
  return [integerMatMul(ctx, n, a, b, za, zb, n.outputs[0] || n.name)];
}

export function ConvInteger(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const w = constInput(n, 1, "weight input 'w'");
  const zx = optionalConst(n, 2, "'x_zero_point' input") ?? constant(x.dtype, [], [0]);
  const zw = optionalConst(n, 3, "'w_zero_point' input") ?? constant(w.dtype, [], [0]);
  return [integerConv(ctx, n, x, w, zx, zw, undefined, n.outputs[0] || n.name)];
}

/** Output scale per element of the requantization: s_y / (s_a(i) · s_b(i)). */
function requantScales(sy: number, total: number, sa: (i: number) => number, sb: (i: number) => number, perElement: boolean): Float64Array {
  if (!perElement) return Float64Array.of(sy / (sa(0) * sb(0)));
  return Float64Array.from({ length: total }, (_, i) => sy / (sa(i) * sb(i)));
}

export function QLinearMatMul(n: OpNode, ctx: ImportContext): Value[] {
  const a = input(n, 0);
  const sa = positiveScales(n, constInput(n, 1, "'a_scale' input"), "'a_scale'");
  const za = constInput(n, 2, "'a_zero_point' input");
  const b = input(n, 3);
  const sb = positiveScales(n, constInput(n, 4, "'b_scale' input"), "'b_scale'");
  const zb = constInput(n, 5, "'b_zero_point' input");
  const sy = positiveScales(n, constInput(n, 6, "'y_scale' input"), "'y_scale'");
  const zy = constInput(n, 7, "'y_zero_point' input");
  const [lo, hi] = rangeOf(n, zy.dtype);
  if (size(sy.shape) !== 1 || size(zy.shape) !== 1) throw new NotSupported('per-axis output scales are not supported');
  const out = n.outputs[0] || n.name;
  const acc = integerMatMul(ctx, n, a, b, za, zb, `${out}::acc`);
  const [M, N] = acc.shape.slice(-2);
  const saOf = size(sa.shape) === 1 ? () => sa.data[0] : (i: number) => sa.data[Math.floor(i / N) % M];
  const sbOf = size(sb.shape) === 1 ? () => sb.data[0] : (i: number) => sb.data[i % N];
  const scale = requantScales(sy.data[0], size(acc.shape), saOf, sbOf, size(sa.shape) > 1 || size(sb.shape) > 1);
  return [emitQuantize(ctx, n, acc, scale, zy.data[0], lo, hi, zy.dtype, out)];
}

export function QLinearConv(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const sx = positiveScales(n, constInput(n, 1, "'x_scale' input"), "'x_scale'");
  const zx = constInput(n, 2, "'x_zero_point' input");
  const w = constInput(n, 3, "weight input 'w'");
  const sw = positiveScales(n, constInput(n, 4, "'w_scale' input"), "'w_scale'");
  const zw = constInput(n, 5, "'w_zero_point' input");
  const sy = positiveScales(n, constInput(n, 6, "'y_scale' input"), "'y_scale'");
  const zy = constInput(n, 7, "'y_zero_point' input");
  const bias = optionalConst(n, 8, "bias input 'B'");
  const [lo, hi] = rangeOf(n, zy.dtype);
  if (size(sx.shape) !== 1 || size(sy.shape) !== 1 || size(zy.shape) !== 1) throw new NotSupported('per-axis input or output scales are not supported');
  const M = w.shape[0];
  if (size(sw.shape) !== 1 && size(sw.shape) !== M) throw shapeError(n, `w_scale has ${size(sw.shape)} values for ${M} output channels`);
  const out = n.outputs[0] || n.name;
  const acc = integerConv(ctx, n, x, w, zx, zw, bias, `${out}::acc`);
  const inner = size(acc.shape.slice(2));
  const swOf = size(sw.shape) === 1 ? () => sw.data[0] : (i: number) => sw.data[Math.floor(i / inner) % M];
  const scale = requantScales(sy.data[0], size(acc.shape), () => sx.data[0], swOf, size(sw.shape) > 1);
  return [emitQuantize(ctx, n, acc, scale, zy.data[0], lo, hi, zy.dtype, out)];
}

export function register(reg: OpRegistry): void {
  reg.runtime({ QuantizeLinear, DequantizeLinear, QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger });
}

