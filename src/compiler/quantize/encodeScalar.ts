/**
 * One input value → its integer code (before the range check), as the model input's encoding says:
 *  - float models: round(x · 2^scale) + zeroPoint (round half up);
 *  - quantized models (`step` set): the model's own QuantizeLinear, roundHalfEven(x / step) +
 *    zeroPoint with the division in float32, as onnxruntime computes it.
 * Shared by the compiler (accuracy) and the prover's encoder, so both encode alike.
 */
import { roundHalfEven } from '../graph/elementwise.ts';

export function encodeScalar(x: number, enc: { scale: number; zeroPoint: bigint | string; step?: number }): bigint {
  const zp = BigInt(enc.zeroPoint);
  const v = enc.step !== undefined ? roundHalfEven(Math.fround(Math.fround(x) / Math.fround(enc.step))) : Math.round(x * 2 ** enc.scale);
  if (!Number.isFinite(v)) return v > 0 ? 1n << 256n : -(1n << 256n);
  return BigInt(v) + zp;
}
