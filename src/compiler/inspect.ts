/**
 * inspect(): what a model is and what proving it would cost, without compiling it:
 * ONNX nodes with shapes and support status (and why not), the IR the compiler would build,
 * and the constraint estimate per layer from the cost model.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { OnnxParseError } from '../errors.ts';
import { inspectOnnx, type InspectReport } from './graph/inspectOnnx.ts';
import { detectQuantization, type QuantizationFormat } from './graph/quantFormat.ts';
import { readOnnx } from './parse/readOnnx.ts';
import { type NodeCost } from './integer/cost.ts';
import { estimateWithPrivacy } from './privacy/estimate.ts';
import { checkVisibility, privacyLayout } from './privacy/layout.ts';
import { calibrate } from './quantize/calibrate.ts';
import { commuteReluMax } from './quantize/commuteReluMax.ts';
import { quantize } from './quantize/quantize.ts';
import { loadSamples, withDefaults, type CompileOptions } from './compile.ts';

export interface InspectResult extends Omit<InspectReport, 'graph'> {
  /** The quantization format found (float, QDQ, QOperator) and its types. */
  quantization: QuantizationFormat;
  /** Outputs computed by a final Softmax/LogSoftmax, which the proof leaves out (it covers the logits). */
  unprovedOutputs?: { output: string; op: string }[];
  /** Constraint estimate (when the model is supported). */
  estimate?: { total: number; nodes: NodeCost[] };
}

export async function inspect(
  model: string,
  options: Pick<CompileOptions, 'calibration' | 'inputRange' | 'inputBits' | 'weightBits' | 'activationBits' | 'scale' | 'input' | 'output' | 'weights'> = {},
): Promise<InspectResult> {
  if (!existsSync(model)) throw new OnnxParseError('ONNX_NOT_FOUND', `model file not found: ${model}`, { fix: 'check the path to the .onnx file' });
  const bytes = new Uint8Array(await readFile(model));
  const { graph, ...inspected } = inspectOnnx(bytes);
  const report = { ...inspected, quantization: detectQuantization(readOnnx(bytes)) };
  if (!graph) return report;
  const unproved = Object.entries(graph.postprocess ?? {}).map(([output, p]) => ({ output, op: p.op }));
  if (unproved.length > 0) Object.assign(report, { unprovedOutputs: unproved });
  const opts = withDefaults(options);
  const g = commuteReluMax(graph);
  const specs = g.inputs.map((name) => ({ name, shape: g.nodes.find((n) => n.name === name)!.shape }));
  const samples = await loadSamples(opts.calibration, specs, opts.inputRange);
  const { graph: ig, weights } = quantize(g, calibrate(g, samples.inputs), opts);
  // With the visibility options: commitments and committed weights are costed too (privacy/cost.ts).
  const visibility = { input: opts.input, output: opts.output, weights: opts.weights };
  checkVisibility(visibility);
  return { ...report, estimate: estimateWithPrivacy(ig, visibility, privacyLayout(ig, visibility, weights), weights) };
}
