/**
 * ONNX tensor element types (TensorProto.DataType) by name, with their byte sizes.
 */
export type DType =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4';

/** Index = TensorProto.DataType code. */
const BY_CODE: (DType | undefined)[] = [
  undefined, 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4',
];

export function dtypeFromCode(code: number): DType | undefined {
  return BY_CODE[code];
}

export function dtypeCode(dtype: DType): number {
  return BY_CODE.indexOf(dtype);
}

/** Bytes per element in raw_data (undefined for string and sub-byte types). */
export const BYTE_SIZE: Partial<Record<DType, number>> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1,
  float16: 2, float64: 8, uint32: 4, uint64: 8, complex64: 8, complex128: 16, bfloat16: 2,
  float8e4m3fn: 1, float8e4m3fnuz: 1, float8e5m2: 1, float8e5m2fnuz: 1,
};

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
export const isInteger = (d: DType): boolean =>
  d === 'uint8' || d === 'int8' || d === 'uint16' || d === 'int16' || d === 'int32' || d === 'int64' ||
  d === 'uint32' || d === 'uint64';
