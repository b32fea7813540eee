/**
 * The quantize() entry for quantized models (QDQ / QOperator): checks the options that apply,
 * then lowers with quantized.ts. Kept apart from quantize.ts so the float quantizer stays small.
 */
import { UnsupportedError } from '../../errors.ts';
import type { Graph } from '../graph/ir.ts';
import { isQuantizedGraph, lowerQuantized } from './quantized.ts';
import type { LayerReport, QuantizeOptions, QuantizeResult } from './quantize.ts';

export { isQuantizedGraph };

export function quantizeQuantizedModel(graph: Graph, opts: QuantizeOptions): QuantizeResult {
  if (opts.weights === 'committed') {
    throw new UnsupportedError('QUANT_COMMITTED_WEIGHTS', 'committed weights are not supported for quantized (QDQ / QOperator) models yet', {
      fix: 'compile the quantized model with constant weights (the default), or the float model with committed weights',
    });
  }
  const { graph: g, layers } = lowerQuantized(graph, { requantBits: opts.requantBits, rounding: opts.requantRounding });
  return { graph: g, layers: layers as LayerReport[] };
}
