/**
 * Neural-network ops: activations (Relu, Clip as Relu, LeakyRelu on constants), Conv,
 * MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization (inference)
 * and Dropout (inference). Conv and BatchNormalization become `linear` nodes, pools `max`
 * and `mean` nodes (padding is left out of the windows).
 */
import { NotSupported, type ImportContext, type OpNode } from '../context.ts';
import { size } from '../ir.ts';
import { computeWindows, type WindowAttrs, type Windows } from '../window.ts';
import { constant, describeShape, type ConstValue, type RuntimeValue, type Value } from '../values.ts';
import { constInput, foldElementwise, input, optionalConst, requireFloat, requireNumeric, shapeError } from './common.ts';
import type { OpRegistry } from './registry.ts';

function relu(ctx: ImportContext, n: OpNode, x: RuntimeValue): Value {
  const name = ctx.claim(n.outputs[0] || n.name);
  ctx.add({ op: 'relu', name, origin: n.name, shape: [...x.shape], input: requireNumeric(n, x).ref });
  return { kind: 'runtime', dtype: x.dtype, shape: [...x.shape], ref: name };
}

export function Relu(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  if (x.kind === 'const') return [foldElementwise(n, [x], (v) => Math.max(v, 0))];
  return [relu(ctx, n, x)];
}

/** Clip: min/max are attributes before opset 11 and optional inputs since. At runtime only Clip(min=0) = Relu. */
export function Clip(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  let lo = -Infinity;
  let hi = Infinity;
  if (n.opset < 11) {
    lo = n.attrs.float('min', -Infinity);
    hi = n.attrs.float('max', Infinity);
  } else {
    const mn = optionalConst(n, 1, "'min' input");
    const mx = optionalConst(n, 2, "'max' input");
    if (mn) lo = mn.data[0];
    if (mx) hi = mx.data[0];
  }
  if (x.kind === 'const') return [foldElementwise(n, [x], (v) => Math.min(Math.max(v, lo), hi))];
  const noMax = hi === Infinity || hi >= 3.4e38;
  const noMin = lo === -Infinity || lo <= -3.4e38;
  if (noMin && noMax) return [x];
  if (lo === 0 && noMax) return [relu(ctx, n, x)];
  if (lo > hi) throw new NotSupported(`Clip with min ${lo} > max ${hi}`);
  // General Clip: a `clip` node (one rescale + one comparison in the circuit; see quantize/clip.ts).
  const name = ctx.claim(n.outputs[0] || n.name);
  ctx.add({ op: 'clip', name, origin: n.name, shape: [...x.shape], input: requireNumeric(n, x).ref, lo: noMin ? -Infinity : lo, hi: noMax ? Infinity : hi });
  return [{ kind: 'runtime', dtype: x.dtype, shape: [...x.shape], ref: name }];
}

/**
 * LeakyRelu(x) = α·x + (1 − α)·relu(x): a relu node and a linear node, no new IR op. Cost in
 * the circuit: the relu's fused rescale, and the linear mix (free) is rescaled where a dense
 * layer reads it, so about two rescales per element (twice a Relu).
 */
export function LeakyRelu(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const alpha = n.attrs.float('alpha', 0.01);
  if (x.kind === 'const') return [foldElementwise(n, [x], (v) => (v >= 0 ? v : alpha * v))];
  requireFloat(n, x);
  if (alpha === 0) return [relu(ctx, n, x)];
  const out = n.outputs[0] || n.name;
  const rname = ctx.claim(`${out}::relu`);
  ctx.add({ op: 'relu', name: rname, origin: n.name, shape: [...x.shape], input: x.ref });
  const r: RuntimeValue = { kind: 'runtime', dtype: x.dtype, shape: [...x.shape], ref: rname };
  const lb = ctx.linear(n, 'LeakyRelu', x.shape, [x, r]);
  for (let i = 0; i < size(x.shape); i++) {
    lb.add(0, i, alpha);
    lb.add(1, i, 1 - alpha);
    lb.endRow(0);
  }
  return [lb.finish(x.dtype)];
}

/** Sigmoid and Tanh: an `activation` node (piecewise-linear in the circuit, error bound in quantize/activation.ts). */
function activation(fn: 'sigmoid' | 'tanh', f: (v: number) => number) {
  return named(fn === 'sigmoid' ? 'Sigmoid' : 'Tanh', (n: OpNode, ctx: ImportContext): Value[] => {
    const x = input(n, 0);
    if (x.kind === 'const') return [foldElementwise(n, [x], f)];
    const name = ctx.claim(n.outputs[0] || n.name);
    ctx.add({ op: 'activation', name, origin: n.name, shape: [...x.shape], input: requireFloat(n, x).ref, fn });
    return [{ kind: 'runtime', dtype: x.dtype, shape: [...x.shape], ref: name }];
  });
}

/** The op function carries the ONNX op's name (the registry's convention). */
function named<F extends (...args: never[]) => unknown>(name: string, f: F): F {
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

export const Sigmoid = activation('sigmoid', (v) => 1 / (1 + Math.exp(-v)));
export const Tanh = activation('tanh', Math.tanh);

/**
 * Softmax / LogSoftmax as the model's last node: not proved. The op returns its input, so the
 * circuit proves the logits (argmax and ordering are the same); the verifier side applies the op.
 * analyzeModel rejects it anywhere else (when another node reads its output).
 */
function finalNormalization(op: 'Softmax' | 'LogSoftmax') {
  return named(op, (n: OpNode, ctx: ImportContext): Value[] => {
    const x = input(n, 0);
    const r = x.shape.length;
    const coerce2d = n.opset < 13;
    const axis0 = n.attrs.int('axis', coerce2d ? 1 : -1);
    const axis = axis0 < 0 ? axis0 + r : axis0;
    if (axis < 0 || axis >= Math.max(r, 1)) throw shapeError(n, `axis ${axis0} is out of range for rank ${r}`);
    if (x.kind === 'const') {
      const out = new Float64Array(x.data.length);
      const [outer, inner, len] = coerce2d
        ? [size(x.shape.slice(0, axis)), 1, size(x.shape.slice(axis))]
        : [size(x.shape.slice(0, axis)), size(x.shape.slice(axis + 1)), x.shape[axis]];
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const at = (k: number): number => (o * len + k) * inner + i;
          let m = -Infinity;
          for (let k = 0; k < len; k++) m = Math.max(m, x.data[at(k)]);
          let sum = 0;
          for (let k = 0; k < len; k++) sum += Math.exp(x.data[at(k)] - m);
          for (let k = 0; k < len; k++) out[at(k)] = op === 'Softmax' ? Math.exp(x.data[at(k)] - m) / sum : x.data[at(k)] - m - Math.log(sum);
        }
      }
      return [constant(x.dtype, x.shape, out)];
    }
    requireFloat(n, x);
    const o = n.outputs[0];
    if (o) ctx.postprocess.set(o, { op, axis, coerce2d, node: n.name });
    return [x];
  });
}

export const Softmax = finalNormalization('Softmax');
export const LogSoftmax = finalNormalization('LogSoftmax');

/** Dropout is the identity at inference; its mask output (if used) is all true. */
export function Dropout(n: OpNode): (Value | undefined)[] {
  const x = input(n, 0);
  if (n.opset >= 12 && n.inputs[2]) {
    const training = n.inputs[2];
    if (training.kind !== 'const') throw new NotSupported('its training_mode input depends on the model input');
    if (training.data[0] !== 0) throw new NotSupported('training_mode = true (dropout is random); export the model in eval mode');
  }
  const mask = constant('bool', x.shape, new Float64Array(size(x.shape)).fill(1));
  return [x, mask];
}

/** Window attributes of Conv and the pools, with the spec's defaults. */
function windowAttrs(n: OpNode, kernel: number[], allowDilations: boolean): WindowAttrs {
  const nd = kernel.length;
  const strides = n.attrs.ints('strides', new Array(nd).fill(1));
  const dilations = allowDilations ? n.attrs.ints('dilations', new Array(nd).fill(1)) : new Array(nd).fill(1);
  const pads = n.attrs.ints('pads', new Array(2 * nd).fill(0));
  if (strides.length !== nd || dilations.length !== nd || pads.length !== 2 * nd) {
    throw shapeError(n, `strides/dilations/pads have the wrong length for a ${nd}-D kernel`);
  }
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0) || pads.some((p) => p < 0)) {
    throw shapeError(n, 'strides and dilations must be positive and pads non-negative');
  }
  return { kernel, strides, dilations, pads, autoPad: n.attrs.string('auto_pad', 'NOTSET'), ceilMode: n.attrs.int('ceil_mode', 0) !== 0 };
}

function windowsOrThrow(n: OpNode, spatial: number[], a: WindowAttrs): Windows {
  const w = computeWindows(spatial, a);
  if (typeof w === 'string') throw shapeError(n, w);
  return w;
}

function spatialInput(n: OpNode, x: Value): { N: number; C: number; spatial: number[] } {
  if (x.shape.length < 3) throw shapeError(n, `input must be [N, C, spatial...], got ${describeShape(x.shape)}`);
  return { N: x.shape[0], C: x.shape[1], spatial: x.shape.slice(2) };
}

/** Conv: N-D (1-D, 2-D, 3-D...) with strides, pads, dilations, auto_pad, group and bias; weights constant. */
export function Conv(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const w = constInput(n, 1, 'weight input W');
  const b = optionalConst(n, 2, 'bias input B');
  const { N, C, spatial } = spatialInput(n, x);
  const group = n.attrs.int('group', 1);
  const [M, Cg, ...kernel] = w.shape;
  if (kernel.length !== spatial.length) throw shapeError(n, `weight ${describeShape(w.shape)} does not match input ${describeShape(x.shape)}`);
  const ks = n.attrs.ints('kernel_shape');
  if (ks && ks.join() !== kernel.join()) throw shapeError(n, `kernel_shape [${ks}] differs from the weight's [${kernel}]`);
  if (group <= 0 || C % group !== 0 || M % group !== 0 || Cg !== C / group) {
    throw shapeError(n, `group = ${group} does not fit ${C} input channels and weight ${describeShape(w.shape)}`);
  }
  if (b && size(b.shape) !== M) throw shapeError(n, `bias has ${size(b.shape)} values for ${M} output channels`);
  const win = windowsOrThrow(n, spatial, windowAttrs(n, kernel, true));
  const shape = [N, M, ...win.outSpatial];
  const inSp = size(spatial);
  const outSp = size(win.outSpatial);
  const Mg = M / group;
  const runtime = x.kind === 'runtime' ? requireNumeric(n, x) : undefined;
  const lb = runtime ? ctx.linear(n, 'Conv', shape, [runtime]) : undefined;
  const folded = runtime ? undefined : new Float64Array(size(shape));
  let row = 0;
  for (let bn = 0; bn < N; bn++) {
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      for (let p = 0; p < outSp; p++, row++) {
        let acc = 0;
        for (let c = 0; c < Cg; c++) {
          const inBase = (bn * C + g * Cg + c) * inSp;
          const wBase = (m * Cg + c) * win.kSize;
          for (let t = 0; t < win.kSize; t++) {
            const src = win.taps[p * win.kSize + t];
            if (src < 0) continue;
            const wv = w.data[wBase + t];
            if (lb) lb.add(0, inBase + src, wv);
            else acc += wv * (x as ConstValue).data[inBase + src];
          }
        }
        const bias = b ? b.data[m] : 0;
        if (lb) lb.endRow(bias);
        else folded![row] = acc + bias;
      }
    }
  }
  return [lb ? lb.finish(x.dtype) : constant(x.dtype, shape, folded!)];
}

/** Shared by MaxPool and AveragePool: per (n, c) plane, the flat input indices of each window. */
function poolWindows(win: Windows, N: number, C: number, inSp: number): { windows: Int32Array[]; counts: number[] } {
  const windows: Int32Array[] = [];
  const counts: number[] = [];
  const outSp = win.paddedCount.length;
  for (let plane = 0; plane < N * C; plane++) {
    for (let p = 0; p < outSp; p++) {
      const idx: number[] = [];
      for (let t = 0; t < win.kSize; t++) {
        const src = win.taps[p * win.kSize + t];
        if (src >= 0) idx.push(plane * inSp + src);
      }
      windows.push(Int32Array.from(idx));
      counts.push(win.paddedCount[p]);
    }
  }
  return { windows, counts };
}

function emitMax(ctx: ImportContext, n: OpNode, x: Value, shape: number[], windows: Int32Array[]): Value {
  if (windows.some((w) => w.length === 0)) throw shapeError(n, 'a pooling window lies entirely in the padding');
  if (x.kind === 'const') {
    return constant(x.dtype, shape, Float64Array.from(windows, (w) => Math.max(...Array.from(w, (i) => x.data[i]))));
  }
  const name = ctx.claim(n.outputs[0] || n.name);
  ctx.add({ op: 'max', name, origin: n.name, shape, input: requireNumeric(n, x).ref, windows });
  return { kind: 'runtime', dtype: x.dtype, shape, ref: name };
}

function emitMean(ctx: ImportContext, n: OpNode, x: Value, shape: number[], windows: Int32Array[], divisor: Int32Array): Value {
  if (windows.some((w) => w.length === 0)) throw shapeError(n, 'a pooling window lies entirely in the padding');
  if (x.kind === 'const') {
    return constant(x.dtype, shape, Float64Array.from(windows, (w, i) => w.reduce((s, j) => s + x.data[j], 0) / divisor[i]));
  }
  const name = ctx.claim(n.outputs[0] || n.name);
  ctx.add({ op: 'mean', name, origin: n.name, shape, input: requireFloat(n, x).ref, windows, divisor });
  return { kind: 'runtime', dtype: x.dtype, shape, ref: name };
}

/** MaxPool (opset 10+: ceil_mode, dilations). The Indices output is not supported. */
export function MaxPool(n: OpNode, ctx: ImportContext): (Value | undefined)[] {
  const x = input(n, 0);
  const { N, C, spatial } = spatialInput(n, x);
  const kernel = n.attrs.ints('kernel_shape');
  if (!kernel || kernel.length !== spatial.length) throw shapeError(n, `kernel_shape must have ${spatial.length} values`);
  if (n.attrs.int('storage_order', 0) !== 0 && n.isUsed(1)) throw new NotSupported('storage_order = 1 with the Indices output');
  const win = windowsOrThrow(n, spatial, windowAttrs(n, kernel, true));
  const { windows } = poolWindows(win, N, C, size(spatial));
  return [emitMax(ctx, n, x, [N, C, ...win.outSpatial], windows), undefined];
}

/** AveragePool: count_include_pad divides by the window clipped to the padded input, else by the taps inside the input. */
export function AveragePool(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const { N, C, spatial } = spatialInput(n, x);
  const kernel = n.attrs.ints('kernel_shape');
  if (!kernel || kernel.length !== spatial.length) throw shapeError(n, `kernel_shape must have ${spatial.length} values`);
  const includePad = n.attrs.int('count_include_pad', 0) !== 0;
  const win = windowsOrThrow(n, spatial, windowAttrs(n, kernel, true));
  const { windows, counts } = poolWindows(win, N, C, size(spatial));
  const divisor = Int32Array.from(windows, (w, i) => (includePad ? counts[i] : w.length));
  return [emitMean(ctx, n, x, [N, C, ...win.outSpatial], windows, divisor)];
}

function globalWindows(N: number, C: number, inSp: number): Int32Array[] {
  return Array.from({ length: N * C }, (_, plane) => Int32Array.from({ length: inSp }, (_, i) => plane * inSp + i));
}

export function GlobalAveragePool(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const { N, C, spatial } = spatialInput(n, x);
  const windows = globalWindows(N, C, size(spatial));
  return [emitMean(ctx, n, x, [N, C, ...spatial.map(() => 1)], windows, new Int32Array(N * C).fill(size(spatial)))];
}

export function GlobalMaxPool(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const { N, C, spatial } = spatialInput(n, x);
  return [emitMax(ctx, n, x, [N, C, ...spatial.map(() => 1)], globalWindows(N, C, size(spatial)))];
}

/**
 * BatchNormalization, inference form: y = scale · (x − mean) / sqrt(var + epsilon) + B per
 * channel (axis 1). training_mode = 1 (opset 14+) is unsupported, as are the running
 * mean/var outputs when something uses them.
 */
export function BatchNormalization(n: OpNode, ctx: ImportContext): (Value | undefined)[] {
  const x = input(n, 0);
  const scale = constInput(n, 1, 'scale input');
  const bias = constInput(n, 2, 'B input');
  const mean = constInput(n, 3, 'input_mean');
  const variance = constInput(n, 4, 'input_var');
  if (n.attrs.int('training_mode', 0) !== 0) throw new NotSupported('training_mode = 1; export the model in eval mode');
  if (n.attrs.int('spatial', 1) === 0) throw new NotSupported('spatial = 0 (opset < 9 per-element statistics) is not supported');
  const eps = n.attrs.float('epsilon', 1e-5);
  const C = x.shape.length >= 2 ? x.shape[1] : 1;
  for (const [what, t] of [['scale', scale], ['B', bias], ['mean', mean], ['var', variance]] as const) {
    if (size(t.shape) !== C) throw shapeError(n, `${what} has ${size(t.shape)} values for ${C} channels`);
  }
  const a = Float64Array.from({ length: C }, (_, c) => scale.data[c] / Math.sqrt(variance.data[c] + eps));
  const c0 = Float64Array.from({ length: C }, (_, c) => bias.data[c] - mean.data[c] * a[c]);
  const inner = size(x.shape.slice(2));
  const total = size(x.shape);
  const chan = (i: number): number => Math.floor(i / inner) % C;
  if (x.kind === 'const') {
    return [constant(x.dtype, x.shape, Float64Array.from(x.data, (v, i) => a[chan(i)] * v + c0[chan(i)]))];
  }
  const lb = ctx.linear(n, 'BatchNormalization', x.shape, [requireFloat(n, x)]);
  for (let i = 0; i < total; i++) {
    lb.add(0, i, a[chan(i)]);
    lb.endRow(c0[chan(i)]);
  }
  return [lb.finish(x.dtype)];
}

export function register(reg: OpRegistry): void {
  reg.runtime({
    Relu, Clip, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Dropout, Conv, MaxPool, AveragePool, GlobalAveragePool,
    GlobalMaxPool, BatchNormalization,
  });
}
