/**
 * The ONNX front end: import (with constant folding and the op registry), inspection,
 * the graph passes, the IR validator and the float interpreter.
 */
export type { CsrMatrix, Graph, GraphNode, GraphOp, InputNode, LinearNode, MaxNode, MeanNode, OnnxNodeReport, ReluNode } from './ir.ts';
export { size } from './ir.ts';
export { importOnnx, type ImportOptions } from './importOnnx.ts';
export { inspectOnnx, type InspectReport } from './inspectOnnx.ts';
export type { TensorInfo } from './inputs.ts';
export { OPSET_MAX, OPSET_MIN } from './analyzeModel.ts';
export { supportedOps, summarizeUnsupported, type UnsupportedNode } from './unsupported.ts';
export { GRAPH_PASSES, optimizeGraph, type GraphPass } from './passes/index.ts';
export { GraphInvariantError, validateGraph } from './validate.ts';
export { runGraph, type RunOptions } from './runGraph.ts';
