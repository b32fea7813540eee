/**
 * Which quantization format an ONNX model uses, for `zkinfer inspect`:
 *  - 'float':       no quantized ops (the compiler chooses power-of-two fixed point itself);
 *  - 'QDQ':         QuantizeLinear/DequantizeLinear pairs around float ops (onnxruntime's QDQ
 *                   format, PyTorch/TensorRT exports);
 *  - 'QOperator':   integer ops (QLinearConv, QLinearMatMul, MatMulInteger, ConvInteger) with
 *                   QuantizeLinear/DequantizeLinear only at the boundaries;
 *  - 'QDQ+QOperator': both.
 * Also the integer types of activations (zero points of QuantizeLinear and QLinear outputs) and
 * weights, and whether weights are quantized per channel.
 */
import type { ModelProto } from '../parse/readOnnx.ts';
import { dtypeFromCode } from '../parse/dtypes.ts';
import { toNumber } from '../parse/int64.ts';

export interface QuantizationFormat {
  format: 'float' | 'QDQ' | 'QOperator' | 'QDQ+QOperator';
  /** Count per quantized op type (QuantizeLinear, DequantizeLinear, QLinearConv, ...). */
  ops: Record<string, number>;
  /** Integer types of the quantized activations (e.g. ['uint8']). */
  activationTypes: string[];
  /** Integer types of the quantized weights (constant inputs of DequantizeLinear / QLinear*). */
  weightTypes: string[];
  /** Some weights have one scale per output channel. */
  perChannel: boolean;
  /** One-line description. */
  summary: string;
}

const QOPERATOR = new Set(['QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger', 'QLinearAdd', 'QLinearMul', 'QGemm', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearAveragePool', 'QLinearGlobalAveragePool', 'QLinearConcat']);
const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear']);

export function detectQuantization(model: ModelProto): QuantizationFormat {
  const g = model.graph;
  const inits = new Map<string, { dtype: string; size: number }>();
  for (const t of g?.initializer ?? []) {
    inits.set(t.name ?? '', { dtype: dtypeFromCode(t.dataType ?? 0) ?? 'unknown', size: (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1) });
  }
  // Constant nodes also define initializer-like tensors.
  for (const n of g?.node ?? []) {
    if (n.opType !== 'Constant') continue;
    const t = (n.attribute ?? []).find((a) => a.name === 'value')?.t;
    if (t && n.output?.[0]) inits.set(n.output[0], { dtype: dtypeFromCode(t.dataType ?? 0) ?? 'unknown', size: (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1) });
  }
  const ops: Record<string, number> = {};
  const act = new Set<string>();
  const weights = new Set<string>();
  let perChannel = false;
  for (const n of g?.node ?? []) {
    const op = n.opType ?? '';
    if (!QDQ.has(op) && !QOPERATOR.has(op)) continue;
    ops[op] = (ops[op] ?? 0) + 1;
    const ins = n.input ?? [];
    const typeOf = (i: number): string | undefined => inits.get(ins[i] ?? '')?.dtype;
    if (op === 'QuantizeLinear') act.add(typeOf(2) ?? 'uint8');
    if (op === 'DequantizeLinear' && inits.has(ins[0] ?? '')) {
      const d = typeOf(0)!;
      if (d !== 'int32') weights.add(d);
      if ((inits.get(ins[1] ?? '')?.size ?? 1) > 1 && d !== 'int32') perChannel = true;
    }
    if (op === 'QLinearConv' || op === 'QLinearMatMul') {
      const w = op === 'QLinearConv' ? 3 : 3;
      if (typeOf(w)) weights.add(typeOf(w)!);
      if ((inits.get(ins[4] ?? '')?.size ?? 1) > 1) perChannel = true;
      if (typeOf(7)) act.add(typeOf(7)!);
    }
    if ((op === 'MatMulInteger' || op === 'ConvInteger') && typeOf(1)) weights.add(typeOf(1)!);
  }
  const hasQdq = (ops.QuantizeLinear ?? 0) + (ops.DequantizeLinear ?? 0) > 0;
  const hasQop = Object.keys(ops).some((o) => QOPERATOR.has(o));
  // QOperator models keep Q/DQ at their boundaries; QDQ models have DQ feeding float ops.
  const dqIntoFloat = (g?.node ?? []).some((n) => {
    if (n.opType === 'DequantizeLinear' && !inits.has(n.input?.[0] ?? '')) {
      const out = n.output?.[0];
      return (g?.node ?? []).some((m) => (m.input ?? []).includes(out ?? '') && !QDQ.has(m.opType ?? '') && !QOPERATOR.has(m.opType ?? '') && m.opType !== 'Add');
    }
    return false;
  });
  const weightDq = (g?.node ?? []).some((n) => n.opType === 'DequantizeLinear' && inits.has(n.input?.[0] ?? ''));
  const qdqStyle = hasQdq && (dqIntoFloat || weightDq);
  const format = !hasQdq && !hasQop ? 'float' : hasQop && qdqStyle ? 'QDQ+QOperator' : hasQop ? 'QOperator' : 'QDQ';
  const list = (s: Set<string>): string[] => [...s].sort();
  const opsText = Object.entries(ops).map(([k, v]) => `${v} ${k}`).join(', ');
  const summary = format === 'float'
    ? 'float model (no quantized ops): the compiler chooses power-of-two fixed point'
    : `${format}: ${opsText}; activations ${list(act).join('/') || '?'}, weights ${list(weights).join('/') || '?'}${perChannel ? ' per channel' : ''}; reproduced exactly (integer accumulation, requantization m·2^−n)`;
  return { format, ops, activationTypes: list(act), weightTypes: list(weights), perChannel, summary };
}
