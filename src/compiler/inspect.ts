/**
 * inspect(): what a model is and what proving it would cost, without compiling it:
 * ONNX nodes with shapes and support status (and why not), the IR the compiler would build,
 * and the constraint estimate per layer from the cost model.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { OnnxParseError } from '../errors.ts';
import { inspectOnnx, type InspectReport } from './graph/inspectOnnx.ts';
import { estimateCost, type NodeCost } from './integer/cost.ts';
import { calibrate } from './quantize/calibrate.ts';
import { commuteReluMax } from './quantize/commuteReluMax.ts';
import { quantize } from './quantize/quantize.ts';
import { loadSamples, withDefaults, type CompileOptions } from './compile.ts';

export interface InspectResult extends Omit<InspectReport, 'graph'> {
  /** Constraint estimate (when the model is supported). */
  estimate?: { total: number; nodes: NodeCost[] };
}

export async function inspect(
  model: string,
  options: Pick<CompileOptions, 'calibration' | 'inputRange' | 'inputBits' | 'weightBits' | 'activationBits' | 'scale' | 'input'> = {},
): Promise<InspectResult> {
  if (!existsSync(model)) throw new OnnxParseError('ONNX_NOT_FOUND', `model file not found: ${model}`, { fix: 'check the path to the .onnx file' });
  const { graph, ...report } = inspectOnnx(new Uint8Array(await readFile(model)));
  if (!graph) return report;
  const opts = withDefaults(options);
  const g = commuteReluMax(graph);
  const specs = g.inputs.map((name) => ({ name, shape: g.nodes.find((n) => n.name === name)!.shape }));
  const samples = await loadSamples(opts.calibration, specs, opts.inputRange);
  const { graph: ig } = quantize(g, calibrate(g, samples.inputs), opts);
  return { ...report, estimate: estimateCost(ig, opts.input) };
}
