/**
 * Helpers shared by the op families: input access with clear errors, constant folding of
 * elementwise functions, and `gather` — the one lowering behind every data-movement op
 * (each output element is one element of an operand, or a fill constant), which folds when
 * its operands are constant and becomes a 0/1 `linear` node otherwise.
 */
import { OnnxParseError, ShapeError } from '../../../errors.ts';
import { isFloat, isInteger, type DType } from '../../parse/dtypes.ts';
import { NotSupported, type ImportContext, type OpNode } from '../context.ts';
import { broadcastMap, broadcastShapes } from '../indexing.ts';
import { size } from '../ir.ts';
import { constant, describeShape, type ConstValue, type RuntimeValue, type Value } from '../values.ts';

export const where = (n: OpNode): string => `node '${n.name}' (${n.opType})`;

/** Required input i. */
export function input(n: OpNode, i: number, what = `input ${i}`): Value {
  const v = n.inputs[i];
  if (!v) {
    throw new OnnxParseError('ONNX_BAD_NODE', `${where(n)} is missing its required ${what}`, {
      fix: 'the model does not follow the ONNX spec: re-export it',
    });
  }
  return v;
}

/** Required input i that must be known at compile time. */
export function constInput(n: OpNode, i: number, what = `input ${i}`): ConstValue {
  const v = input(n, i, what);
  if (v.kind !== 'const') throw new NotSupported(`its ${what} must be a compile-time constant, but it depends on the model input`);
  return v;
}

/** Optional input i that, when present, must be a constant. */
export function optionalConst(n: OpNode, i: number, what = `input ${i}`): ConstValue | undefined {
  return n.inputs[i] ? constInput(n, i, what) : undefined;
}

/** A runtime input must hold real numbers (floats) to be lowered. */
export function requireFloat(n: OpNode, v: RuntimeValue, what = 'input'): RuntimeValue {
  if (!isFloat(v.dtype)) throw new NotSupported(`its runtime ${what} has type ${v.dtype}; only float tensors can be lowered`);
  return v;
}

/**
 * Integer tensors (quantized models: uint8/int8 codes, int32 accumulators) hold exact integers;
 * data movement, max, and (for 32/64-bit types, which do not wrap in practice) affine arithmetic
 * on them are exact, so these ops accept them as well as floats.
 */
export function requireNumeric(n: OpNode, v: RuntimeValue, what = 'input', wide = false): RuntimeValue {
  if (isFloat(v.dtype)) return v;
  if (wide ? v.dtype === 'int32' || v.dtype === 'int64' : isInteger(v.dtype)) return v;
  throw new NotSupported(
    wide && isInteger(v.dtype)
      ? `its runtime ${what} has type ${v.dtype}, whose arithmetic wraps around in ONNX; only float, int32 and int64 tensors can be lowered`
      : `its runtime ${what} has type ${v.dtype}; only float and integer tensors can be lowered`,
  );
}

export function shapeError(n: OpNode, msg: string): ShapeError {
  return new ShapeError('ONNX_SHAPE_MISMATCH', `${where(n)}: ${msg}`, {
    fix: 'the model is inconsistent: check it with onnx.checker.check_model(model, full_check=True) and re-export',
  });
}

export function broadcastOrThrow(n: OpNode, ...shapes: number[][]): number[] {
  const out = broadcastShapes(...shapes);
  if (!out) throw shapeError(n, `shapes ${shapes.map(describeShape).join(' and ')} do not broadcast`);
  return out;
}

/** Folds an n-ary elementwise function over broadcast constants. */
export function foldElementwise(
  n: OpNode,
  args: ConstValue[],
  fn: (...xs: number[]) => number,
  dtype: DType = args[0].dtype,
): ConstValue {
  const shape = broadcastOrThrow(n, ...args.map((a) => a.shape));
  const maps = args.map((a) => broadcastMap(shape, a.shape));
  const out = new Float64Array(size(shape));
  const xs = new Array<number>(args.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < args.length; k++) xs[k] = args[k].data[maps[k][i]];
    out[i] = fn(...xs);
  }
  return constant(dtype, shape, out);
}

/** Where output element o comes from: [operand, element] or null for the fill value. */
export type Pick = (o: number) => readonly [number, number] | null;

/**
 * Data movement. Constant when every operand is constant; otherwise a 0/1 linear node over
 * the runtime operands (constant operands and the fill value become the bias).
 */
export function gather(
  ctx: ImportContext,
  n: OpNode,
  kind: string,
  shape: number[],
  operands: Value[],
  pick: Pick,
  fill = 0,
  outName?: string,
): Value {
  const total = size(shape);
  const dtype = operands[0]?.dtype ?? 'float32';
  if (operands.every((v) => v.kind === 'const')) {
    const out = new Float64Array(total);
    for (let o = 0; o < total; o++) {
      const p = pick(o);
      out[o] = p ? (operands[p[0]] as ConstValue).data[p[1]] : fill;
    }
    return constant(dtype, shape, out);
  }
  const runtime: RuntimeValue[] = [];
  const slot = operands.map((v) => (v.kind === 'runtime' ? runtime.push(requireNumeric(n, v)) - 1 : -1));
  const lb = ctx.linear(n, kind, shape, runtime, outName);
  for (let o = 0; o < total; o++) {
    const p = pick(o);
    if (!p) {
      lb.endRow(fill);
      continue;
    }
    const v = operands[p[0]];
    if (v.kind === 'const') {
      lb.endRow(v.data[p[1]]);
    } else {
      lb.add(slot[p[0]], p[1], 1);
      lb.endRow(0);
    }
  }
  return lb.finish(dtype);
}

/** The same data seen with another shape (no data movement). */
export function reshaped(v: Value, shape: number[]): Value {
  return { ...v, shape: [...shape] };
}

/** Axes given either as an attribute (older opsets) or as an optional constant input (newer). */
export function axesOf(n: OpNode, inputIndex: number, attr = 'axes'): number[] | undefined {
  const fromInput = optionalConst(n, inputIndex, `'${attr}' input`);
  if (fromInput) return Array.from(fromInput.data);
  return n.attrs.ints(attr);
}
