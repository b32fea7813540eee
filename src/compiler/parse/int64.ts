/**
 * int64 helpers. protobufjs decodes ONNX's int64 fields (dims, attribute ints, int64_data,
 * ir_version, opset versions) as `Long` objects (or plain numbers when small and Long is
 * absent); these convert them to JavaScript numbers or bigints.
 */
import type Long from 'long';
import { OnnxParseError } from '../../errors.ts';

export type Int64Like = number | Long | bigint | null | undefined;

/** Exact bigint value of an int64 field (0 when absent). */
export function toBigInt(v: Int64Like): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  // Long: combine the two 32-bit halves exactly.
  const lo = BigInt(v.low >>> 0);
  const hi = BigInt(v.high >>> 0);
  const u = (hi << 32n) | lo;
  return v.unsigned ? u : BigInt.asIntN(64, u);
}

/**
 * Number value of an int64 field. Values beyond ±2^53 are rounded to the nearest double
 * (ONNX uses INT64_MAX/INT64_MIN as "to the end" sentinels, e.g. in Slice: rounding is fine there).
 */
export function toNumber(v: Int64Like): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return Number(toBigInt(v));
}

/**
 * A dimension or count that must be an exact, safe integer; throws OnnxParseError naming
 * `what` otherwise (a corrupt file, or a tensor too large to handle).
 */
export function toSafeInt(v: Int64Like, what: string): number {
  const n = toNumber(v);
  if (!Number.isSafeInteger(n)) {
    throw new OnnxParseError('ONNX_BAD_INT', `${what} is ${String(toBigInt(v))}, which is not a usable integer`, {
      fix: 'the file is probably corrupt: re-export the model',
    });
  }
  return n;
}
