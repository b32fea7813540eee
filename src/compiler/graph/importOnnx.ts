/**
 * ONNX → float graph IR: read, lower (constant folding + op registry), validate, optimize.
 *
 * @example
 *   const graph = importOnnx('fixtures/models/digits-mlp/model.onnx');
 *   const { [graph.outputs[0]]: logits } = runGraph(graph, { [graph.inputs[0]]: pixels });
 */
import { readOnnx, type ModelProto } from '../parse/readOnnx.ts';
import { analyzeModel } from './analyzeModel.ts';
import type { Graph } from './ir.ts';
import { optimizeGraph } from './passes/index.ts';
import { unsupportedError } from './unsupported.ts';
import { validateGraph } from './validate.ts';

export interface ImportOptions {
  /** Run the graph passes (dead-node elimination, linear fusion). Default true. */
  optimize?: boolean;
}

/**
 * Imports an ONNX model (path, bytes, or an already decoded ModelProto).
 * Throws OnnxParseError (unreadable file), ShapeError (dynamic non-batch dimension,
 * inconsistent shapes) or one UnsupportedError (code ONNX_UNSUPPORTED_OP) listing every
 * unsupported node.
 */
export function importOnnx(source: string | Uint8Array | ModelProto, options: ImportOptions = {}): Graph {
  const model = typeof source === 'string' || source instanceof Uint8Array ? readOnnx(source) : source;
  const analysis = analyzeModel(model);
  const err = unsupportedError(analysis.unsupported, analysis.issues);
  if (err) throw err;
  if (options.optimize === false) {
    validateGraph(analysis.graph, 'import');
    return analysis.graph;
  }
  return optimizeGraph(analysis.graph);
}
