/**
 * TensorProto → typed array. Reads raw_data (little endian) or the typed repeated fields
 * (float_data, int32_data, int64_data, double_data, uint64_data) as the ONNX spec assigns
 * them per data type, and checks the element count against the shape.
 *
 * Result types: float32 → Float32Array, float64 → Float64Array, float16/bfloat16 → Float32Array
 * (converted), int8/uint8/int16/uint16/int32/uint32 → the matching typed array,
 * int64/uint64 → BigInt64Array/BigUint64Array (exact), bool → Uint8Array (0/1).
 */
import { endianness } from 'node:os';
import { OnnxParseError, UnsupportedError } from '../../errors.ts';
import { BYTE_SIZE, dtypeFromCode, type DType } from './dtypes.ts';
import { toBigInt, toSafeInt } from './int64.ts';
import type { onnx } from './onnx-pb.js';

export type TensorProto = onnx.TensorProto.$Properties;
export type SparseTensorProto = onnx.SparseTensorProto.$Properties;

export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface DecodedTensor {
  name: string;
  dtype: DType;
  shape: number[];
  data: TensorData;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/** Decodes one tensor; `what` names it in errors (defaults to "tensor '<name>'"). */
export function decodeTensor(t: TensorProto, what?: string): DecodedTensor {
  const name = t.name ?? '';
  const label = what ?? `tensor '${name}'`;
  const dtype = dtypeFromCode(t.dataType ?? 0);
  if (dtype === undefined) {
    throw new OnnxParseError('ONNX_BAD_TENSOR', `${label} has unknown data type ${t.dataType ?? 0}`, {
      fix: 'the file is corrupt or uses a newer ONNX data type: re-export the model with float32 weights',
    });
  }
  if (t.dataLocation === EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    const location = t.externalData?.find((e) => e.key === 'location')?.value;
    throw new OnnxParseError(
      'ONNX_EXTERNAL_DATA',
      `${label} keeps its data in an external file${location ? ` ('${location}')` : ''}; external data is unsupported`,
      {
        fix:
          'embed the weights in the .onnx file: python3 -c "import onnx; m = onnx.load(\'model.onnx\'); ' +
          'onnx.save(m, \'model-embedded.onnx\', save_as_external_data=False)" (run it next to the data file; ' +
          'models over 2 GB cannot be embedded)',
      },
    );
  }
  const shape = (t.dims ?? []).map((d, i) => toSafeInt(d, `${label} dimension ${i}`));
  if (shape.some((d) => d < 0)) {
    throw new OnnxParseError('ONNX_BAD_TENSOR', `${label} has a negative dimension in its shape [${shape.join(', ')}]`, {
      fix: 'the file is corrupt: re-export the model',
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  const data = raw && raw.length > 0 ? fromRaw(dtype, raw, count, label) : fromFields(dtype, t, count, label);
  return { name, dtype, shape, data };
}

function unsupportedDType(dtype: DType, label: string): never {
  throw new UnsupportedError('ONNX_UNSUPPORTED_DTYPE', `${label} has data type ${dtype}, which is not supported`, {
    fix: 'export the model with float32 (or integer) tensors',
  });
}

function fromRaw(dtype: DType, raw: Uint8Array, count: number, label: string): TensorData {
  const bytes = BYTE_SIZE[dtype];
  if (bytes === undefined || dtype.startsWith('complex') || dtype.startsWith('float8')) unsupportedDType(dtype, label);
  if (raw.length !== count * bytes) {
    throw new OnnxParseError(
      'ONNX_BAD_TENSOR',
      `${label} has ${raw.length} bytes of ${dtype} raw_data, but its shape needs ${count} values (${count * bytes} bytes)`,
      { fix: 'the file is truncated or corrupt: re-export the model', details: { tensor: label, dtype, bytes: raw.length, count } },
    );
  }
  // Copy into an aligned buffer (raw_data may sit at any offset of the file buffer).
  const buf = new ArrayBuffer(raw.length);
  new Uint8Array(buf).set(raw);
  if (!LITTLE_ENDIAN_HOST) return fromRawBigEndianHost(dtype, new DataView(buf), count);
  switch (dtype) {
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'int8': return new Int8Array(buf);
    case 'uint8': return new Uint8Array(buf);
    case 'int16': return new Int16Array(buf);
    case 'uint16': return new Uint16Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'uint32': return new Uint32Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'uint64': return new BigUint64Array(buf);
    case 'bool': return Uint8Array.from(new Uint8Array(buf), (b) => (b !== 0 ? 1 : 0));
    case 'float16': return halfBitsToFloat32(new Uint16Array(buf), false);
    case 'bfloat16': return halfBitsToFloat32(new Uint16Array(buf), true);
    default: return unsupportedDType(dtype, label);
  }
}

/** Portable path for big-endian hosts: read every element with DataView (little endian). */
function fromRawBigEndianHost(dtype: DType, v: DataView, n: number): TensorData {
  const map = <T extends TensorData>(out: T, read: (i: number) => number | bigint): T => {
    for (let i = 0; i < n; i++) (out as unknown as (number | bigint)[])[i] = read(i);
    return out;
  };
  switch (dtype) {
    case 'float32': return map(new Float32Array(n), (i) => v.getFloat32(4 * i, true));
    case 'float64': return map(new Float64Array(n), (i) => v.getFloat64(8 * i, true));
    case 'int8': return map(new Int8Array(n), (i) => v.getInt8(i));
    case 'uint8': return map(new Uint8Array(n), (i) => v.getUint8(i));
    case 'bool': return map(new Uint8Array(n), (i) => (v.getUint8(i) !== 0 ? 1 : 0));
    case 'int16': return map(new Int16Array(n), (i) => v.getInt16(2 * i, true));
    case 'uint16': return map(new Uint16Array(n), (i) => v.getUint16(2 * i, true));
    case 'int32': return map(new Int32Array(n), (i) => v.getInt32(4 * i, true));
    case 'uint32': return map(new Uint32Array(n), (i) => v.getUint32(4 * i, true));
    case 'int64': return map(new BigInt64Array(n), (i) => v.getBigInt64(8 * i, true));
    case 'uint64': return map(new BigUint64Array(n), (i) => v.getBigUint64(8 * i, true));
    case 'float16':
    case 'bfloat16':
      return halfBitsToFloat32(map(new Uint16Array(n), (i) => v.getUint16(2 * i, true)), dtype === 'bfloat16');
    default: throw new Error(`unreachable dtype ${dtype}`);
  }
}

function fromFields(dtype: DType, t: TensorProto, count: number, label: string): TensorData {
  const check = (len: number, field: string): void => {
    if (len !== count) {
      throw new OnnxParseError(
        'ONNX_BAD_TENSOR',
        `${label} has ${len} values in ${field}, but its shape needs ${count}`,
        { fix: 'the file is truncated or corrupt: re-export the model', details: { tensor: label, dtype, field, values: len, count } },
      );
    }
  };
  switch (dtype) {
    case 'float32': {
      const f = t.floatData ?? [];
      check(f.length, 'float_data');
      return Float32Array.from(f);
    }
    case 'float64': {
      const f = t.doubleData ?? [];
      check(f.length, 'double_data');
      return Float64Array.from(f);
    }
    case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'bool':
    case 'float16': case 'bfloat16': {
      const f = t.int32Data ?? [];
      check(f.length, 'int32_data');
      switch (dtype) {
        case 'int8': return Int8Array.from(f);
        case 'uint8': return Uint8Array.from(f);
        case 'int16': return Int16Array.from(f);
        case 'uint16': return Uint16Array.from(f);
        case 'int32': return Int32Array.from(f);
        case 'bool': return Uint8Array.from(f, (x) => (x !== 0 ? 1 : 0));
        default: return halfBitsToFloat32(Uint16Array.from(f), dtype === 'bfloat16');
      }
    }
    case 'int64': {
      const f = t.int64Data ?? [];
      check(f.length, 'int64_data');
      return BigInt64Array.from(f, (x) => toBigInt(x));
    }
    case 'uint32': case 'uint64': {
      const f = t.uint64Data ?? [];
      check(f.length, 'uint64_data');
      return dtype === 'uint32'
        ? Uint32Array.from(f, (x) => Number(BigInt.asUintN(64, toBigInt(x))))
        : BigUint64Array.from(f, (x) => BigInt.asUintN(64, toBigInt(x)));
    }
    default:
      return unsupportedDType(dtype, label);
  }
}

/** IEEE half (or bfloat16) bit patterns → float32 values. */
export function halfBitsToFloat32(bits: Uint16Array, bfloat: boolean): Float32Array {
  const out = new Float32Array(bits.length);
  if (bfloat) {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
    return out;
  }
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** Converts any decoded tensor data to float64 (int64 beyond ±2^53 rounds to the nearest double). */
export function toFloat64(data: TensorData): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, (x) => Number(x));
  return Float64Array.from(data);
}

/**
 * SparseTensorProto → dense tensor. `indices` are int64, either [NNZ] (linearized) or
 * [NNZ, rank] (coordinates), per the ONNX spec.
 */
export function decodeSparseTensor(s: SparseTensorProto, what?: string): DecodedTensor {
  const values = decodeTensor(s.values ?? {}, what);
  const label = what ?? `sparse tensor '${values.name}'`;
  const shape = (s.dims ?? []).map((d, i) => toSafeInt(d, `${label} dimension ${i}`));
  const count = shape.reduce((a, b) => a * b, 1);
  const nnz = values.data.length;
  const idx = s.indices ? decodeTensor(s.indices, `${label} indices`) : undefined;
  const flat: number[] = [];
  if (idx) {
    const iv = Array.from(idx.data as ArrayLike<number | bigint>, (x) => Number(x));
    if (idx.shape.length === 1 && iv.length === nnz) flat.push(...iv);
    else if (idx.shape.length === 2 && idx.shape[0] === nnz && idx.shape[1] === shape.length) {
      for (let k = 0; k < nnz; k++) {
        let f = 0;
        for (let d = 0; d < shape.length; d++) f = f * shape[d] + iv[k * shape.length + d];
        flat.push(f);
      }
    } else {
      throw new OnnxParseError('ONNX_BAD_TENSOR', `${label} has indices of shape [${idx.shape.join(', ')}] for ${nnz} values`, {
        fix: 'the file is corrupt: re-export the model',
      });
    }
  }
  const Ctor = values.data.constructor as new (n: number) => TensorData;
  const dense = new Ctor(count);
  for (let k = 0; k < nnz; k++) {
    const f = flat[k];
    if (!(f >= 0 && f < count)) {
      throw new OnnxParseError('ONNX_BAD_TENSOR', `${label} has an index ${f} outside its shape [${shape.join(', ')}]`, {
        fix: 'the file is corrupt: re-export the model',
      });
    }
    (dense as unknown as (number | bigint)[])[f] = (values.data as unknown as (number | bigint)[])[k];
  }
  return { name: values.name, dtype: values.dtype, shape, data: dense };
}
