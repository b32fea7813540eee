/**
 * What `zkinfer inspect` shows: per-ONNX-node status, inputs/outputs with shapes, opset,
 * producer, and whether the model can be compiled — without throwing for unsupported ops
 * (unreadable files still throw OnnxParseError, dynamic non-batch shapes ShapeError).
 */
import { readOnnx, type ModelProto } from '../parse/readOnnx.ts';
import { analyzeModel } from './analyzeModel.ts';
import type { TensorInfo } from './inputs.ts';
import type { Graph, OnnxNodeReport } from './ir.ts';
import { optimizeGraph } from './passes/index.ts';
import { summarizeUnsupported, type UnsupportedNode } from './unsupported.ts';

export interface InspectReport {
  /** Graph name (or producer). */
  name: string;
  opset: number;
  irVersion: number;
  producer: { name: string; version: string };
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** One entry per ONNX node, in (topological) file order. */
  nodes: OnnxNodeReport[];
  supported: boolean;
  /** Nodes that cannot be compiled (the root causes, as listed in the error message). */
  unsupported: UnsupportedNode[];
  /** Model-level problems (opset out of range, non-float inputs, constant outputs). */
  issues: string[];
  /** Exactly the message (and fix) importOnnx throws, when not supported. */
  message?: string;
  fix?: string;
  /** The optimized IR, when supported. */
  graph?: Graph;
}

export function inspectOnnx(source: string | Uint8Array | ModelProto): InspectReport {
  const model = typeof source === 'string' || source instanceof Uint8Array ? readOnnx(source) : source;
  const a = analyzeModel(model);
  const summary = summarizeUnsupported(a.unsupported, a.issues);
  return {
    name: a.graph.name,
    opset: a.opset,
    irVersion: a.irVersion,
    producer: a.producer,
    inputs: a.inputs,
    outputs: a.outputs,
    nodes: a.graph.onnxNodes,
    supported: !summary,
    unsupported: a.unsupported,
    issues: a.issues,
    ...(summary ? { message: summary.message, fix: summary.fix } : { graph: optimizeGraph(a.graph) }),
  };
}
