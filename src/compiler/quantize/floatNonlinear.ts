/**
 * Float models: the non-linear IR ops beyond ReLU, lowered into the integer IR by the float
 * quantizer (quantize.ts calls these with a small context).
 *
 * Clip(x, lo, hi) — one fused rescale and at most one comparison:
 *   r = Rescale_relu(x − lo) to activationBits at the scale chosen for [0, hi − lo]   (A + 1 or A + 3)
 *   y = lo + min(r, H), H = round((hi − lo)·2^s), when H < 2^B − 1                   (+ Max2(B) = B + 2)
 *   Clip(max only): y = hi − Rescale_relu(hi − x). lo, hi are rounded to the output grid.
 *
 * Sigmoid / Tanh — a piecewise-linear approximation (circuits/pwl.circom), three steps:
 *   1. v = Rescale_signed(x) to BIN = 12 bits at scale s_v: x clamped to [−X, X), X = 8 (Sigmoid)
 *      or 4 (Tanh), resolution 2^−s_v = 2X / 2^12                                        (A or A + 3)
 *   2. y = PiecewiseLinear(12, 5): 32 equal segments, each its best line (chord slope, intercept
 *      centred on the residuals), integers at scale G = 20                                (12 + 32 − 5 = 39)
 *   3. Rescale to activationBits (ReLU mode for Sigmoid's [0, 1], signed for Tanh)       (≈ 20 + 3)
 * Error bound (stated per layer in the manifest as `errorBound`, for an exact input x):
 *   |ŷ − f(x)| ≤ e_pwl + f'max·2^−(s_v+1) + tail + 2^−(s_out+1)
 *   e_pwl = max over the 2^12 grid points of |PWL − f| (computed exactly at compile time:
 *   1.5e-3 for Sigmoid, 3.0e-3 for Tanh: half the chord error h²/8·max|f''|, h = 2X/32),
 *   f'max = 1/4 (Sigmoid), 1 (Tanh); tail = f's distance to its limit beyond ±X
 *   (3.4e-4 Sigmoid, 6.8e-4 Tanh). An input error δ adds f'max·δ.
 */
import { QuantizationError } from '../../errors.ts';
import { sigmoid } from '../graph/elementwise.ts';
import type { ActivationNode, ClipNode } from '../graph/ir.ts';
import { clamp, maxBig, minBig, roundShift } from '../integer/arith.ts';
import type { IntLinear, IntMax, IntNode, IntPwl, IntRescale } from '../integer/ir.ts';
import type { Range } from './calibrate.ts';

export interface FloatLoweringContext {
  /** The integer node of a float tensor. */
  get(name: string): IntNode;
  push<T extends IntNode>(n: T): T;
  /** Adds fields to the report line of the node just pushed. */
  note(fields: Record<string, unknown>): void;
  range(name: string): Range;
  activationBits: number;
  fixedScale?: number;
}

const MAX_SCALE = 24;
const pow2 = (k: number): bigint => 1n << BigInt(k);

/** Largest s with maxAbs·2^s ≤ limit (as quantize.ts). */
function fitScale(maxAbs: number, limit: number): number {
  if (!(maxAbs > 0)) return 0;
  return Math.min(MAX_SCALE, Math.floor(Math.log2(limit / maxAbs)));
}

/** Single-input integer linear node y_i = c·(x_i − zp_x) + b_i (c, b integers). */
function affine(ctx: FloatLoweringContext, x: IntNode, name: string, origin: string, c: bigint, b: bigint, scale: number, source = 'Clip'): IntLinear {
  const n = x.shape.reduce((a, v) => a * v, 1);
  const bias = b - c * x.zeroPoint;
  const p1 = c * x.lo + bias;
  const p2 = c * x.hi + bias;
  return ctx.push<IntLinear>({
    op: 'linear', kind: 'expr', name, origin, shape: x.shape, source, inputs: [x.name],
    matrix: { rows: n, cols: n, rowPtr: Int32Array.from({ length: n + 1 }, (_, i) => i), colIdx: Int32Array.from({ length: n }, (_, i) => i), values: new Array<bigint>(n).fill(c) },
    bias: new Array<bigint>(n).fill(bias), lo: minBig(p1, p2), hi: maxBig(p1, p2), scale, zeroPoint: 0n,
  });
}

function rescale(ctx: FloatLoweringContext, x: IntNode, name: string, origin: string, shift: number, bits: number, relu: boolean, scale: number): IntRescale {
  const lo = roundShift(x.lo - x.zeroPoint, shift);
  const hi = roundShift(x.hi - x.zeroPoint, shift);
  const [olo, ohi, zp] = relu
    ? [clamp(lo, 0n, pow2(bits) - 1n), clamp(hi, 0n, pow2(bits) - 1n), 0n]
    : [clamp(lo, -pow2(bits - 1), pow2(bits - 1) - 1n) + pow2(bits - 1), clamp(hi, -pow2(bits - 1), pow2(bits - 1) - 1n) + pow2(bits - 1), pow2(bits - 1)];
  return ctx.push<IntRescale>({ op: 'rescale', kind: 'signal', name, origin, shape: x.shape, input: x.name, shift, bits, relu, lo: olo, hi: ohi, scale, zeroPoint: zp });
}

/** min(x, H) elementwise = x + H − max(x, H): a Max2 per element over the pairs [x; H]. */
function minConst(ctx: FloatLoweringContext, x: IntNode, H: bigint, name: string, origin: string): IntLinear {
  const n = x.shape.reduce((a, v) => a * v, 1);
  const pair = ctx.push<IntLinear>({
    op: 'linear', kind: 'expr', name: `${name}::pair`, origin, shape: [2 * n], source: 'Clip', inputs: [x.name],
    matrix: {
      rows: 2 * n, cols: n, rowPtr: Int32Array.from({ length: 2 * n + 1 }, (_, i) => Math.min(i, n)),
      colIdx: Int32Array.from({ length: n }, (_, i) => i), values: new Array<bigint>(n).fill(1n),
    },
    bias: [...new Array<bigint>(n).fill(0n), ...new Array<bigint>(n).fill(H)], lo: minBig(x.lo, H), hi: maxBig(x.hi, H), scale: x.scale, zeroPoint: 0n,
  });
  const m = ctx.push<IntMax>({
    op: 'max', kind: 'signal', name: `${name}::max`, origin, shape: x.shape, input: pair.name,
    windows: Array.from({ length: n }, (_, i) => Int32Array.of(i, n + i)), lo: maxBig(x.lo, H), hi: maxBig(x.hi, H), scale: x.scale, zeroPoint: 0n,
  });
  const idx = (k: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i + k);
  return ctx.push<IntLinear>({
    op: 'linear', kind: 'expr', name, origin, shape: x.shape, source: 'Clip', inputs: [x.name, m.name],
    matrix: {
      rows: n, cols: 2 * n, rowPtr: Int32Array.from({ length: n + 1 }, (_, i) => 2 * i),
      colIdx: Int32Array.from({ length: 2 * n }, (_, e) => (e % 2 === 0 ? idx(0)[e / 2] : idx(n)[(e - 1) / 2])),
      values: Array.from({ length: 2 * n }, (_, e) => (e % 2 === 0 ? 1n : -1n)),
    },
    bias: new Array<bigint>(n).fill(H), lo: minBig(x.lo, H), hi: minBig(x.hi, H), scale: x.scale, zeroPoint: 0n,
  });
}

export function lowerClip(ctx: FloatLoweringContext, node: ClipNode): IntNode {
  const x = ctx.get(node.input);
  const B = ctx.activationBits;
  const r = ctx.range(node.name);
  const sx = x.scale;
  const top = pow2(B) - 1n;
  if (node.lo === -Infinity) {
    // y = hi − relu(hi − x)
    const span = node.hi - Math.min(r.min, node.hi);
    let s = ctx.fixedScale ?? fitScale(span, 2 ** B - 1);
    if (s > sx) s = sx;
    const d = affine(ctx, x, `${node.name}::hi-x`, node.origin, -1n, BigInt(Math.round(node.hi * 2 ** sx)), sx);
    const rr = rescale(ctx, d, `${node.name}::relu`, node.origin, sx - s, B, true, s);
    const y = affine(ctx, rr, node.name, node.origin, -1n, 0n, s);
    y.zeroPoint = -BigInt(Math.round(node.hi * 2 ** s));
    return y;
  }
  const upper = node.hi === Infinity ? r.max : Math.min(node.hi, r.max);
  let s = ctx.fixedScale ?? fitScale(Math.max(upper - node.lo, 0), 2 ** B - 1);
  if (s > sx) s = sx;
  const d = affine(ctx, x, `${node.name}::x-lo`, node.origin, 1n, -BigInt(Math.round(node.lo * 2 ** sx)), sx);
  let y: IntNode = rescale(ctx, d, node.hi === Infinity ? node.name : `${node.name}::relu`, node.origin, sx - s, B, true, s);
  if (node.hi !== Infinity) {
    const H = BigInt(Math.round((node.hi - node.lo) * 2 ** s));
    y = H < top ? minConst(ctx, y, H, node.name, node.origin) : affine(ctx, y, node.name, node.origin, 1n, 0n, s);
  }
  y.zeroPoint = -BigInt(Math.round(node.lo * 2 ** s));
  return y;
}

/** Sigmoid/Tanh parameters: 2^BIN input levels, 2^T segments, output at scale G (2^−G units). */
export const PWL = { BIN: 12, T: 5, G: 20 } as const;
const SPEC = {
  sigmoid: { f: sigmoid, logX: 3, fmax: 0.25, lo: 0, hi: 1 },
  tanh: { f: Math.tanh, logX: 2, fmax: 1, lo: -1, hi: 1 },
} as const;

/**
 * The piecewise-linear table and its exact error over the input grid (also used by tests). Per
 * segment: the slope of the chord (rounded to an integer number of 2^−G per input step), and
 * the intercept in the middle of the residuals, so the error is half the chord error (the best
 * line through a convex or concave piece). Values are offset to be non-negative (Tanh).
 */
export function pwlTable(fn: 'sigmoid' | 'tanh'): { values: bigint[]; slopes: bigint[]; offset: bigint; sv: number; outScale: number; maxError: number; inputRounding: number; tail: number } {
  const { BIN, T, G } = PWL;
  const spec = SPEC[fn];
  const sv = BIN - 1 - spec.logX;
  const L = 2 ** (BIN - T);
  const offset = BigInt(-spec.lo) << BigInt(G); // makes the values non-negative (Tanh)
  const xOf = (v: number): number => (v - 2 ** (BIN - 1)) / 2 ** sv;
  const target = (v: number): number => (spec.f(xOf(v)) - spec.lo) * 2 ** G;
  const values: bigint[] = [];
  const slopes: bigint[] = [];
  for (let j = 0; j < 2 ** T; j++) {
    const v0 = j * L;
    const d = Math.round((target(v0 + L) - target(v0)) / L);
    let lo = Infinity;
    let hi = -Infinity;
    for (let o = 0; o < L; o++) {
      const r = target(v0 + o) - d * o;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    values.push(BigInt(Math.round((lo + hi) / 2)));
    slopes.push(BigInt(d));
  }
  let maxError = 0;
  for (let v = 0; v < 2 ** BIN; v++) {
    const seg = Math.floor(v / L);
    const y = values[seg] + slopes[seg] * BigInt(v % L) - offset;
    maxError = Math.max(maxError, Math.abs(Number(y) / 2 ** G - spec.f(xOf(v))));
  }
  const X = 2 ** spec.logX;
  const tail = Math.max(Math.abs(spec.f(-X) - spec.lo), Math.abs(spec.hi - spec.f(X - 2 ** -sv)));
  return { values, slopes, offset, sv, outScale: G, maxError, inputRounding: spec.fmax * 2 ** -(sv + 1), tail };
}

export function lowerActivation(ctx: FloatLoweringContext, node: ActivationNode): IntNode {
  const { BIN, T } = PWL;
  const B = ctx.activationBits;
  let x = ctx.get(node.input);
  const t = pwlTable(node.fn);
  if (x.scale < t.sv) {
    // Finer input grid than x has: multiply (free) so that the rescale's shift is ≥ 0.
    x = affine(ctx, x, `${node.name}::upscaled`, node.origin, pow2(t.sv - x.scale), 0n, t.sv, node.fn === 'sigmoid' ? 'Sigmoid' : 'Tanh');
  }
  if (x.scale - t.sv > 250) throw new QuantizationError('FIELD_OVERFLOW', `layer '${node.origin}' (${node.fn}): input scale too fine`);
  const v = rescale(ctx, x, `${node.name}::grid`, node.origin, x.scale - t.sv, BIN, false, t.sv);
  const L = pow2(BIN - T);
  const ends = t.values.flatMap((y, j) => [y, y + t.slopes[j] * (L - 1n)]);
  const p = ctx.push<IntPwl>({
    op: 'pwl', kind: 'signal', name: `${node.name}::pwl`, origin: node.origin, shape: v.shape, input: v.name, bits: BIN, segBits: T,
    values: t.values, slopes: t.slopes, lo: ends.reduce(minBig), hi: ends.reduce(maxBig), scale: t.outScale, zeroPoint: t.offset,
  });
  const r = ctx.range(node.name);
  const relu = node.fn === 'sigmoid';
  const maxAbs = relu ? Math.max(r.max, 0) : Math.max(Math.abs(r.min), Math.abs(r.max));
  let s = ctx.fixedScale ?? fitScale(maxAbs, relu ? 2 ** B - 1 : 2 ** (B - 1) - 1);
  if (s > t.outScale) s = t.outScale;
  const out = rescale(ctx, p, node.name, node.origin, t.outScale - s, B, relu, s);
  ctx.note({ errorBound: t.maxError + t.inputRounding + t.tail + 2 ** -(s + 1), lipschitz: SPEC[node.fn].fmax, approximation: `piecewise-linear, ${2 ** T} segments on [−${2 ** SPEC[node.fn].logX}, ${2 ** SPEC[node.fn].logX})` });
  return out;
}
