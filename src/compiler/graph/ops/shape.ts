/**
 * Shape and data-movement ops. Shape arithmetic (Shape, Size, Gather, Concat, Unsqueeze,
 * Squeeze, Cast, Slice, ConstantOfShape, Range, Reshape...) folds at compile time because
 * every runtime shape is static. On runtime tensors, pure reshapes (Reshape, Flatten,
 * Squeeze, Unsqueeze, Identity, float Cast) are views of the same data — no IR node — and
 * Transpose, Concat, Slice, Gather, Split, Expand, Tile and Pad become 0/1 `linear` nodes.
 */
import { OnnxParseError } from '../../../errors.ts';
import type { DType } from '../../parse/dtypes.ts';
import { dtypeFromCode, isFloat, isInteger } from '../../parse/dtypes.ts';
import { toFloat64 } from '../../parse/tensor.ts';
import { NotSupported, type ImportContext, type OpNode } from '../context.ts';
import { broadcastMap, forEachIndex, normAxis, strides } from '../indexing.ts';
import { size } from '../ir.ts';
import { constant, describeShape, ints, type ConstValue, type Value } from '../values.ts';
import { axesOf, broadcastOrThrow, constInput, gather, input, optionalConst, reshaped, shapeError, where } from './common.ts';
import type { OpRegistry } from './registry.ts';

const int64 = (values: number[]): ConstValue => constant('int64', [values.length], values);

function axisOrThrow(n: OpNode, axis: number, rank: number): number {
  const a = normAxis(axis, rank);
  if (a === undefined) throw shapeError(n, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Index map: output flat index → input flat index (-1 = fill). */
function indexMap(outShape: number[], fn: (idx: number[]) => number): Int32Array {
  const map = new Int32Array(size(outShape));
  forEachIndex(outShape, (idx, f) => {
    map[f] = fn(idx);
  });
  return map;
}

const pickFrom = (map: Int32Array) => (o: number) => (map[o] >= 0 ? ([0, map[o]] as const) : null);

export function Constant(n: OpNode): Value[] {
  const a = n.attrs;
  const t = a.tensor('value') ?? a.sparseTensor('sparse_value');
  if (t) return [constant(t.dtype, t.shape, toFloat64(t.data))];
  const f = a.float('value_float');
  if (f !== undefined) return [constant('float32', [], [f])];
  const fs = a.floats('value_floats');
  if (fs) return [constant('float32', [fs.length], fs)];
  const i = a.int('value_int');
  if (i !== undefined) return [constant('int64', [], [i])];
  const is = a.ints('value_ints');
  if (is) return [constant('int64', [is.length], is)];
  if (a.has('value_string') || a.has('value_strings')) throw new NotSupported('string constants are not supported');
  throw new OnnxParseError('ONNX_BAD_NODE', `${where(n)} has no value attribute`, { fix: 'the model does not follow the ONNX spec: re-export it' });
}

export function Identity(n: OpNode): Value[] {
  return [input(n, 0)];
}

/** Shape (opset 15: start/end attributes). Works on runtime tensors: shapes are static. */
export function Shape(n: OpNode): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(n.attrs.int('start', 0));
  const end = clamp(n.attrs.int('end', r));
  return [int64(x.shape.slice(start, Math.max(start, end)))];
}

export function Size(n: OpNode): Value[] {
  return [constant('int64', [], [size(input(n, 0).shape)])];
}

/** Reshape: 0 copies the input dimension (unless allowzero, opset 14), -1 is inferred. */
export function Reshape(n: OpNode): Value[] {
  const x = input(n, 0);
  const target = ints(constInput(n, 1, "'shape' input"));
  const allowZero = n.attrs.int('allowzero', 0) !== 0;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
  const minus = shape.filter((d) => d === -1).length;
  if (minus > 1 || shape.some((d) => d === undefined || d < -1)) throw shapeError(n, `invalid target shape [${target}]`);
  if (minus === 1) {
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (known === 0 || size(x.shape) % known !== 0) throw shapeError(n, `cannot reshape ${describeShape(x.shape)} to [${target}]`);
    shape[shape.indexOf(-1)] = size(x.shape) / known;
  }
  if (size(shape) !== size(x.shape)) throw shapeError(n, `cannot reshape ${describeShape(x.shape)} (${size(x.shape)} values) to [${target}]`);
  return [reshaped(x, shape)];
}

/** Flatten to 2-D around `axis` (default 1; negative allowed since opset 11). */
export function Flatten(n: OpNode): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  let axis = n.attrs.int('axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) throw shapeError(n, `axis ${n.attrs.int('axis', 1)} is out of range for rank ${r}`);
  return [reshaped(x, [size(x.shape.slice(0, axis)), size(x.shape.slice(axis))])];
}

/** Squeeze: axes attribute before opset 13, optional input since; no axes = every 1-sized axis. */
export function Squeeze(n: OpNode): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  const axesIn = n.opset >= 13 ? axesOf(n, 1) : n.attrs.ints('axes');
  const axes = axesIn === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : axesIn.map((a) => axisOrThrow(n, a, r));
  for (const a of axes) if (x.shape[a] !== 1) throw shapeError(n, `cannot squeeze axis ${a} of ${describeShape(x.shape)}`);
  return [reshaped(x, x.shape.filter((_, i) => !axes.includes(i)))];
}

/** Unsqueeze: axes attribute before opset 13, input since (required). */
export function Unsqueeze(n: OpNode): Value[] {
  const x = input(n, 0);
  const axesIn = n.opset >= 13 ? ints(constInput(n, 1, "'axes' input")) : n.attrs.ints('axes');
  if (!axesIn) throw shapeError(n, 'Unsqueeze needs axes');
  const r = x.shape.length + axesIn.length;
  const axes = axesIn.map((a) => axisOrThrow(n, a, r));
  if (new Set(axes).size !== axes.length) throw shapeError(n, `repeated axes [${axesIn}]`);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]);
  return [reshaped(x, shape)];
}

export function Transpose(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  const perm = n.attrs.ints('perm', x.shape.map((_, i) => r - 1 - i));
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw shapeError(n, `perm [${perm}] is not a permutation of ${r} axes`);
  const st = strides(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const map = indexMap(shape, (idx) => idx.reduce((f, v, i) => f + v * st[perm[i]], 0));
  return [gather(ctx, n, 'Transpose', shape, [x], pickFrom(map))];
}

export function Concat(n: OpNode, ctx: ImportContext): Value[] {
  const xs = n.inputs.filter((v): v is Value => v !== undefined);
  if (xs.length === 0) throw shapeError(n, 'Concat has no inputs');
  const r = xs[0].shape.length;
  const axisAttr = n.attrs.int('axis');
  if (axisAttr === undefined) throw shapeError(n, "Concat needs the 'axis' attribute");
  const axis = axisOrThrow(n, axisAttr, r);
  for (const v of xs) {
    if (v.shape.length !== r || v.shape.some((d, i) => i !== axis && d !== xs[0].shape[i])) {
      throw shapeError(n, `cannot concatenate ${xs.map((u) => describeShape(u.shape)).join(', ')} on axis ${axis}`);
    }
  }
  const starts: number[] = [];
  let total = 0;
  for (const v of xs) {
    starts.push(total);
    total += v.shape[axis];
  }
  const shape = [...xs[0].shape];
  shape[axis] = total;
  const srcOf = new Int32Array(total);
  xs.forEach((v, k) => srcOf.fill(k, starts[k], starts[k] + v.shape[axis]));
  const st = xs.map((v) => strides(v.shape));
  const picks: [number, number][] = [];
  forEachIndex(shape, (idx) => {
    const k = srcOf[idx[axis]];
    let f = 0;
    for (let i = 0; i < r; i++) f += (i === axis ? idx[i] - starts[k] : idx[i]) * st[k][i];
    picks.push([k, f]);
  });
  return [gather(ctx, n, 'Concat', shape, xs, (o) => picks[o])];
}

/** Slice (opset 10+: starts/ends/axes/steps inputs; attributes before). */
export function Slice(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (n.opset >= 10) {
    starts = ints(constInput(n, 1, "'starts' input"));
    ends = ints(constInput(n, 2, "'ends' input"));
    axes = optionalConst(n, 3, "'axes' input") && ints(optionalConst(n, 3)!);
    steps = optionalConst(n, 4, "'steps' input") && ints(optionalConst(n, 4)!);
  } else {
    starts = n.attrs.ints('starts', []);
    ends = n.attrs.ints('ends', []);
    axes = n.attrs.ints('axes');
  }
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  const begin = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  const shape = [...x.shape];
  axes.forEach((a0, i) => {
    const a = axisOrThrow(n, a0, r);
    const d = x.shape[a];
    const s = steps![i];
    if (s === 0) throw shapeError(n, 'a slice step is 0');
    let b = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (s > 0) {
      b = Math.min(Math.max(b, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      b = Math.min(Math.max(b, 0), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    begin[a] = b;
    step[a] = s;
    shape[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  const st = strides(x.shape);
  const map = indexMap(shape, (idx) => idx.reduce((f, v, i) => f + (begin[i] + v * step[i]) * st[i], 0));
  return [gather(ctx, n, 'Slice', shape, [x], pickFrom(map))];
}

/** Gather along `axis` with constant indices (negative indices count from the end). */
export function Gather(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const indices = constInput(n, 1, "'indices' input");
  const r = x.shape.length;
  const axis = axisOrThrow(n, n.attrs.int('axis', 0), r);
  const d = x.shape[axis];
  const idxs = ints(indices).map((i) => {
    const j = i < 0 ? i + d : i;
    if (j < 0 || j >= d) throw shapeError(n, `index ${i} is out of range for axis ${axis} of size ${d}`);
    return j;
  });
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const st = strides(x.shape);
  const qr = indices.shape.length;
  const ist = strides(indices.shape);
  const map = indexMap(shape, (idx) => {
    let f = 0;
    for (let i = 0; i < axis; i++) f += idx[i] * st[i];
    let q = 0;
    for (let i = 0; i < qr; i++) q += idx[axis + i] * ist[i];
    f += idxs[q] * st[axis];
    for (let i = axis + 1; i < r; i++) f += idx[i + qr - 1] * st[i];
    return f;
  });
  return [gather(ctx, n, 'Gather', shape, [x], pickFrom(map))];
}

/** Split: sizes from the 'split' attribute (< 13) or input (≥ 13), else equal parts (num_outputs, opset 18). */
export function Split(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  const axis = axisOrThrow(n, n.attrs.int('axis', 0), r);
  const d = x.shape[axis];
  const k = n.outputs.length;
  let parts = n.opset >= 13 ? optionalConst(n, 1, "'split' input") && ints(optionalConst(n, 1)!) : n.attrs.ints('split');
  if (!parts) {
    const chunk = Math.ceil(d / k);
    parts = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
  }
  if (parts.length !== k || parts.reduce((a, b) => a + b, 0) !== d) throw shapeError(n, `split [${parts}] does not fit axis ${axis} of size ${d}`);
  const st = strides(x.shape);
  let offset = 0;
  return parts.map((len, j) => {
    const shape = [...x.shape];
    shape[axis] = len;
    const off = offset;
    offset += len;
    const map = indexMap(shape, (idx) => idx.reduce((f, v, i) => f + (i === axis ? v + off : v) * st[i], 0));
    return gather(ctx, n, 'Split', shape, [x], pickFrom(map), 0, n.outputs[j] || `${n.name}::${j}`);
  });
}

export function Expand(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const target = ints(constInput(n, 1, "'shape' input"));
  const shape = broadcastOrThrow(n, x.shape, target);
  const map = broadcastMap(shape, x.shape);
  return [gather(ctx, n, 'Expand', shape, [x], pickFrom(map))];
}

export function Tile(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const repeats = ints(constInput(n, 1, "'repeats' input"));
  if (repeats.length !== x.shape.length) throw shapeError(n, `repeats [${repeats}] do not match rank ${x.shape.length}`);
  const shape = x.shape.map((d, i) => d * repeats[i]);
  const st = strides(x.shape);
  const map = indexMap(shape, (idx) => idx.reduce((f, v, i) => f + (v % x.shape[i]) * st[i], 0));
  return [gather(ctx, n, 'Tile', shape, [x], pickFrom(map))];
}

/** Pad: modes constant, reflect, edge; pads/value attributes before opset 11, inputs since (axes input: opset 18). */
export function Pad(n: OpNode, ctx: ImportContext): Value[] {
  const x = input(n, 0);
  const r = x.shape.length;
  const mode = n.attrs.string('mode', 'constant');
  let pads: number[];
  let value = 0;
  if (n.opset < 11) {
    pads = n.attrs.ints('pads', []);
    value = n.attrs.float('value', 0);
  } else {
    pads = ints(constInput(n, 1, "'pads' input"));
    const v = optionalConst(n, 2, "'constant_value' input");
    if (v && v.data.length > 0) value = v.data[0];
    const axesIn = optionalConst(n, 3, "'axes' input");
    if (axesIn) {
      const axes = ints(axesIn).map((a) => axisOrThrow(n, a, r));
      const full = new Array<number>(2 * r).fill(0);
      axes.forEach((a, i) => {
        full[a] = pads[i];
        full[a + r] = pads[i + axes.length];
      });
      pads = full;
    }
  }
  if (pads.length !== 2 * r) throw shapeError(n, `pads [${pads}] must have ${2 * r} values for rank ${r}`);
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw new NotSupported(`mode '${mode}' is not supported (constant, reflect, edge are)`);
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
  if (shape.some((d) => d < 0)) throw shapeError(n, `pads [${pads}] crop more than ${describeShape(x.shape)}`);
  const st = strides(x.shape);
  const coord = (c: number, d: number): number => {
    if (c >= 0 && c < d) return c;
    if (mode === 'constant') return -1;
    if (mode === 'edge') return Math.min(Math.max(c, 0), d - 1);
    if (d === 1) return 0;
    const period = 2 * (d - 1);
    const m = ((c % period) + period) % period;
    return m < d ? m : period - m;
  };
  if (mode === 'reflect' && x.shape.some((d, i) => (pads[i] > 0 || pads[i + r] > 0) && d === 0)) throw shapeError(n, 'cannot reflect-pad an empty axis');
  const map = indexMap(shape, (idx) => {
    let f = 0;
    for (let i = 0; i < r; i++) {
      const c = coord(idx[i] - pads[i], x.shape[i]);
      if (c < 0) return -1;
      f += c * st[i];
    }
    return f;
  });
  return [gather(ctx, n, 'Pad', shape, [x], pickFrom(map), value)];
}

/** Cast: folds on constants; on runtime tensors only float → float (a no-op on real values). */
export function Cast(n: OpNode): Value[] {
  const x = input(n, 0);
  const to = dtypeFromCode(n.attrs.int('to', 0));
  if (!to) throw shapeError(n, `unknown target type ${n.attrs.int('to', 0)}`);
  return [castTo(n, x, to)];
}

export function CastLike(n: OpNode): Value[] {
  return [castTo(n, input(n, 0), input(n, 1).dtype)];
}

function castTo(n: OpNode, x: Value, to: DType): Value {
  if (x.kind === 'const') return constant(to, x.shape, Float64Array.from(x.data));
  if (isFloat(to) && isFloat(x.dtype)) {
    // Rounding to a 16-bit float is an op of its own (coarser than the circuit's fixed point can
    // ignore); float64 → float32 rounds far below the quantization step and is a no-op here.
    const bits = (d: DType): number => (d === 'bfloat16' ? 8 : d === 'float16' ? 11 : d === 'float32' ? 24 : 53);
    if (bits(to) < 24 && bits(to) < bits(x.dtype)) throw new NotSupported(`casting a runtime tensor from ${x.dtype} to ${to} rounds it to a 16-bit float, which is not supported`);
    return { ...x, dtype: to };
  }
  // Integer → float, or integer → an integer type holding every value: the numbers do not change
  // (quantized models: int32 accumulator → float before the scale multiplication).
  if (isInteger(x.dtype) && (isFloat(to) || holdsAll(to, x.dtype))) return { ...x, dtype: to };
  throw new NotSupported(`casting a runtime tensor from ${x.dtype} to ${to} is not supported (only float to float, and integer to float or to a wider integer)`);
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63 - 1], uint64: [0, 2 ** 64 - 1],
};

/** Does integer type `to` hold every value of integer type `from`? */
function holdsAll(to: DType, from: DType): boolean {
  const a = INT_RANGE[to];
  const b = INT_RANGE[from];
  return !!a && !!b && a[0] <= b[0] && a[1] >= b[1];
}

export function ConstantOfShape(n: OpNode): Value[] {
  const shape = ints(constInput(n, 0, "'input' (shape)"));
  const t = n.attrs.tensor('value');
  const dtype = t?.dtype ?? 'float32';
  const v = t ? toFloat64(t.data)[0] ?? 0 : 0;
  return [constant(dtype, shape, new Float64Array(size(shape)).fill(v))];
}

export function Range(n: OpNode): Value[] {
  const start = constInput(n, 0, "'start' input");
  const limit = constInput(n, 1, "'limit' input").data[0];
  const delta = constInput(n, 2, "'delta' input").data[0];
  if (delta === 0) throw shapeError(n, 'delta is 0');
  const count = Math.max(Math.ceil((limit - start.data[0]) / delta), 0);
  return [constant(start.dtype, [count], Float64Array.from({ length: count }, (_, i) => start.data[0] + i * delta))];
}

export function register(reg: OpRegistry): void {
  reg.runtime({ Identity, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Slice, Gather, Split, Expand, Tile, Pad, Cast, CastLike });
  reg.foldOnly({ Constant, Shape, Size, ConstantOfShape, Range });
}
