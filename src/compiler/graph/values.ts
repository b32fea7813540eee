/**
 * What an ONNX tensor is during import: a compile-time constant (folded), a runtime tensor
 * (an IR node, possibly seen through a reshape: `ref` names the IR node, `shape` is the ONNX
 * shape; both have the same size), or unknown (downstream of an unsupported node).
 */
import type { DType } from '../parse/dtypes.ts';
import { size } from './ir.ts';

export interface ConstValue {
  kind: 'const';
  dtype: DType;
  shape: number[];
  /** Row-major values; integers are stored exactly up to ±2^53, bool as 0/1. */
  data: Float64Array;
}

export interface RuntimeValue {
  kind: 'runtime';
  dtype: DType;
  shape: number[];
  /** IR node holding the data (row-major; same size as `shape`). */
  ref: string;
  /** Set on placeholders for outputs of unsupported nodes (import will fail; used for reports only). */
  poisoned?: boolean;
}

export interface UnknownValue {
  kind: 'unknown';
  /** The unsupported node it comes from. */
  from: string;
}

export type Value = ConstValue | RuntimeValue;
export type AnyValue = Value | UnknownValue;

/** A constant, with its values rounded the way `dtype` stores them. */
export function constant(dtype: DType, shape: readonly number[], data: Float64Array | readonly number[]): ConstValue {
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  if (arr.length !== size(shape)) throw new RangeError(`constant of shape [${shape.join(', ')}] given ${arr.length} values`);
  return { kind: 'const', dtype, shape: [...shape], data: roundTo(dtype, arr) };
}

/** Rounds values in place to what `dtype` can hold (float32 precision, integer truncation, bool). */
export function roundTo(dtype: DType, a: Float64Array): Float64Array {
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]);
      break;
    case 'float64':
    case 'float16':
    case 'bfloat16':
      break;
    case 'bool':
      for (let i = 0; i < a.length; i++) a[i] = a[i] !== 0 && !Number.isNaN(a[i]) ? 1 : 0;
      break;
    default:
      for (let i = 0; i < a.length; i++) a[i] = Number.isFinite(a[i]) ? Math.trunc(a[i]) : a[i];
  }
  return a;
}

/** Scalar-or-1-element constant as a number. */
export function scalarOf(v: ConstValue): number {
  if (v.data.length !== 1) throw new RangeError(`expected a scalar, got shape [${v.shape.join(', ')}]`);
  return v.data[0];
}

export const ints = (v: ConstValue): number[] => Array.from(v.data);

export const describeShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
