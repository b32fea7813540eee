/**
 * ModelProto → float IR, node by node: constants fold, runtime tensors lower to IR nodes,
 * and every node gets a report. Unsupported nodes do not stop the walk (tract-style): they
 * are collected, their outputs become placeholders (shape from value_info, or the input's
 * for elementwise ops) so the rest of the model is still checked.
 *
 * The caller decides what to do with the result: importOnnx throws one UnsupportedError,
 * inspectOnnx reports.
 */
import { OnnxParseError } from '../../errors.ts';
import { Attributes } from '../parse/attributes.ts';
import { isFloat } from '../parse/dtypes.ts';
import { toNumber } from '../parse/int64.ts';
import type { onnx } from '../parse/onnx-pb.js';
import { decodeSparseTensor, decodeTensor, toFloat64 } from '../parse/tensor.ts';
import { ImportContext, LinearBuilder, NotSupported, type OpNode } from './context.ts';
import { describeInfo, resolveInputShape, staticShape, type TensorInfo } from './inputs.ts';
import type { Graph, OnnxNodeReport } from './ir.ts';
import { OPS } from './ops/index.ts';
import type { UnsupportedNode } from './unsupported.ts';
import { constant, describeShape, type AnyValue, type Value } from './values.ts';

export type ModelProto = onnx.ModelProto;
type NodeProto = onnx.NodeProto.$Properties;

/** Default-domain opsets the import understands (attribute→input moves handled by version). Tested: 10–17. */
export const OPSET_MIN = 7;
export const OPSET_MAX = 18;

export interface Analysis {
  /** The lowered graph (meaningful only when `unsupported` and `issues` are empty). */
  graph: Graph;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opset: number;
  irVersion: number;
  producer: { name: string; version: string };
  unsupported: UnsupportedNode[];
  /** Model-level problems (opset, input types, constant outputs). */
  issues: string[];
}

/** Ops whose single output has the shape of their first input (for placeholder shapes). */
const SHAPE_PRESERVING = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Celu', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp', 'Floor',
  'Gelu', 'HardSigmoid', 'HardSwish', 'Hardmax', 'LeakyRelu', 'Log', 'LogSoftmax', 'Mish', 'Neg', 'PRelu', 'Reciprocal',
  'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tan',
  'Tanh', 'ThresholdedRelu', 'Clip', 'LpNormalization', 'InstanceNormalization', 'LayerNormalization',
  'MeanVarianceNormalization', 'LRN', 'QuantizeLinear', 'DequantizeLinear',
]);

/** Integer input types (held exactly as codes: see below) and their ranges. */
const INT_INPUT_RANGE: Partial<Record<string, readonly [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
};

export function analyzeModel(model: ModelProto): Analysis {
  const g = model.graph!;
  const issues: string[] = [];
  const unsupported: UnsupportedNode[] = [];
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = opsetEntry ? toNumber(opsetEntry.version) : 1;
  if (opset < OPSET_MIN || opset > OPSET_MAX) {
    issues.push(
      `the model uses ONNX opset ${opset}; the compiler supports opsets ${OPSET_MIN}–${OPSET_MAX} ` +
        `(re-export it with an opset in that range, e.g. torch.onnx.export(..., opset_version=13))`,
    );
  }

  const ctx = new ImportContext();
  const values = new Map<string, AnyValue>();

  // Constants: initializers (dense and sparse).
  for (const t of g.initializer ?? []) {
    const d = decodeTensor(t);
    values.set(d.name, constant(d.dtype, d.shape, toFloat64(d.data)));
  }
  for (const s of g.sparseInitializer ?? []) {
    const d = decodeSparseTensor(s);
    values.set(d.name, constant(d.dtype, d.shape, toFloat64(d.data)));
  }

  // Runtime inputs (graph inputs that are not initializers), batch fixed to 1.
  const inputs: TensorInfo[] = [];
  const inputNames: string[] = [];
  for (const vi of g.input ?? []) {
    const name = vi.name ?? '';
    if (values.has(name)) continue;
    const info = describeInfo(vi);
    const shape = resolveInputShape(vi);
    info.shape = shape;
    inputs.push(info);
    const code = INT_INPUT_RANGE[info.dtype];
    if (info.dtype === 'non-tensor' || info.dtype === 'unknown' || (!isFloat(info.dtype) && !code)) {
      issues.push(`input '${name}' has type ${info.dtype}; only float and 8-, 16- and 32-bit integer tensor inputs are supported`);
    }
    const dtype = info.dtype === 'non-tensor' || info.dtype === 'unknown' ? 'float32' : info.dtype;
    ctx.claim(name);
    ctx.add({ op: 'input', name, origin: name, shape });
    inputNames.push(name);
    if (code) {
      // An integer input is a quantized tensor: its codes are the input quantized with scale 1.
      const ref = ctx.claim(`${name}::codes`);
      ctx.add({ op: 'quantize', name: ref, origin: name, shape, input: name, scale: Float64Array.of(1), zeroPoint: 0, lo: code[0], hi: code[1] });
      values.set(name, { kind: 'runtime', dtype, shape, ref });
    } else {
      values.set(name, { kind: 'runtime', dtype, shape, ref: name });
    }
  }

  // Declared shapes, for placeholders after unsupported nodes.
  const declared = new Map<string, number[]>();
  for (const vi of [...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const s = staticShape(vi);
    if (s && vi.name) declared.set(vi.name, s);
  }

  const nodes = topoSort(g.node ?? [], new Set(values.keys()));
  const used = new Set<string>((g.output ?? []).map((o) => o.name ?? ''));
  for (const nd of nodes) for (const i of nd.input ?? []) if (i) used.add(i);

  const reports: OnnxNodeReport[] = [];
  nodes.forEach((nd, index) => {
    const opType = nd.opType ?? '';
    const name = nd.name || nd.output?.find((o) => o) || `${opType}_${index}`;
    const outputs = [...(nd.output ?? [])];
    const report: OnnxNodeReport = { name, opType, status: 'lowered', outputShapes: outputs.map(() => undefined) };
    reports.push(report);

    /** The unsupported node an unknown input of `n` comes from. */
    const fromOf = (n: NodeProto): string => {
      for (const i of n.input ?? []) {
        const v = values.get(i);
        if (v?.kind === 'unknown') return v.from;
      }
      return name;
    };
    /** Marks the node unsupported; its outputs become placeholders (shape when it can be known). */
    const fail = (reason: string, root: boolean): void => {
      report.status = 'unsupported';
      report.reason = reason;
      if (root) unsupported.push({ node: name, opType, reason });
      const inShape = values.get(nd.input?.[0] ?? '');
      outputs.forEach((o, i) => {
        if (!o) return;
        const shape =
          declared.get(o) ??
          (i === 0 && SHAPE_PRESERVING.has(opType) && inShape && inShape.kind !== 'unknown' ? inShape.shape : undefined);
        values.set(o, shape ? { kind: 'runtime', dtype: 'float32', shape, ref: o, poisoned: true } : { kind: 'unknown', from: root ? name : fromOf(nd) });
        report.outputShapes[i] = shape;
      });
    };

    const domain = nd.domain ?? '';
    if (domain !== '' && domain !== 'ai.onnx') {
      fail(`it is in the custom domain '${domain}', which is not supported`, true);
      return;
    }
    const impl = OPS.get(opType);
    if (!impl) {
      fail(`'${opType}' is not supported`, true);
      return;
    }
    const ins = (nd.input ?? []).map((i) => (i ? values.get(i) : undefined));
    const unknownIdx = ins.findIndex((v) => v?.kind === 'unknown');
    if (unknownIdx >= 0) {
      const from = (ins[unknownIdx] as { from: string }).from;
      fail(`not checked: its input '${nd.input![unknownIdx]}' comes from unsupported node '${from}' and has an unknown shape`, false);
      return;
    }
    const opNode: OpNode = {
      name,
      opType,
      opset,
      attrs: new Attributes(nd.attribute ?? [], `node '${name}' (${opType})`),
      inputs: ins as (Value | undefined)[],
      outputs,
      isUsed: (i) => !!outputs[i] && used.has(outputs[i]),
    };
    let outs: (Value | undefined)[];
    try {
      outs = impl(opNode, ctx);
    } catch (err) {
      if (err instanceof NotSupported) {
        fail(err.reason, true);
        return;
      }
      throw err;
    }
    const missing = outputs.findIndex((o, i) => o && used.has(o) && !outs[i]);
    if (missing >= 0) {
      fail(`its output ${missing} ('${outputs[missing]}') is used, but only ${outputs.length > 1 ? 'the first output is' : 'it is not'} supported`, true);
      return;
    }
    outputs.forEach((o, i) => {
      const v = outs[i];
      if (o && v) {
        values.set(o, v);
        report.outputShapes[i] = [...v.shape];
      }
    });
    const produced = outs.filter((v): v is Value => !!v);
    report.status = produced.length > 0 && produced.every((v) => v.kind === 'const') ? 'folded' : 'lowered';
  });

  // A final Softmax/LogSoftmax is left out of the circuit only when nothing but the graph output reads it.
  const graphOutputs = new Set((g.output ?? []).map((o) => o.name ?? ''));
  const postprocess: NonNullable<Graph['postprocess']> = {};
  for (const [tensor, p] of ctx.postprocess) {
    const readers = nodes.filter((nd) => (nd.input ?? []).includes(tensor));
    if (readers.length === 0 && graphOutputs.has(tensor)) {
      postprocess[tensor] = { op: p.op, axis: p.axis, coerce2d: p.coerce2d };
      continue;
    }
    const reason = `${p.op} is only supported as the model's last node (the circuit then proves the values before it); its output '${tensor}' is read by ${readers.map((r) => `'${r.name || r.opType}'`).join(', ') || 'no graph output'}`;
    unsupported.push({ node: p.node, opType: p.op, reason });
    const rep = reports.find((r) => r.name === p.node);
    if (rep) {
      rep.status = 'unsupported';
      rep.reason = reason;
    }
  }

  // Outputs: each is an IR node named after the ONNX output (identity when it is a view or an alias).
  const outputs: TensorInfo[] = [];
  const outputNames: string[] = [];
  for (const vi of g.output ?? []) {
    const name = vi.name ?? '';
    const info = describeInfo(vi);
    outputs.push(info);
    outputNames.push(name);
    const v = values.get(name);
    if (!v) {
      throw new OnnxParseError('ONNX_BAD_GRAPH', `graph output '${name}' is not produced by any node`, {
        fix: 'the model does not follow the ONNX spec: re-export it',
      });
    }
    if (v.kind === 'unknown') continue;
    info.shape = [...v.shape];
    if (v.kind === 'const') {
      issues.push(`output '${name}' is a constant (it does not depend on any model input)`);
      continue;
    }
    const node = ctx.nodes.find((n) => n.name === v.ref);
    if (v.ref === name && node && describeShape(node.shape) === describeShape(v.shape)) continue;
    const lb = new LinearBuilder(ctx, name, name, 'Identity', v.shape, [v]);
    for (let i = 0; i < v.shape.reduce((a, b) => a * b, 1); i++) {
      lb.add(0, i, 1);
      lb.endRow(0);
    }
    const out = lb.finish(v.dtype);
    if (out.ref !== name) {
      throw new OnnxParseError('ONNX_BAD_GRAPH', `graph output name '${name}' is used twice`, {
        fix: 'the model does not follow the ONNX spec: re-export it',
      });
    }
  }

  const graph: Graph = {
    name: g.name || model.producerName || 'model',
    opset,
    nodes: ctx.nodes,
    inputs: inputNames,
    outputs: outputNames,
    onnxNodes: reports,
    ...(Object.keys(postprocess).length > 0 ? { postprocess } : {}),
  };
  return {
    graph,
    inputs,
    outputs,
    opset,
    irVersion: toNumber(model.irVersion),
    producer: { name: model.producerName ?? '', version: model.producerVersion ?? '' },
    unsupported,
    issues,
  };
}

/**
 * Stable topological order of the nodes (ONNX requires it, some exporters do not quite
 * follow it). Throws OnnxParseError for a cycle or a tensor no one produces.
 */
function topoSort(nodes: readonly NodeProto[], available: Set<string>): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  for (const n of nodes) {
    for (const i of n.input ?? []) {
      if (i && !available.has(i) && !producer.has(i)) {
        throw new OnnxParseError('ONNX_BAD_GRAPH', `node '${n.name || n.opType}' reads tensor '${i}', which no node, input or initializer provides`, {
          fix: 'the model is incomplete: check it with onnx.checker.check_model and re-export it',
        });
      }
    }
  }
  const done = new Set(available);
  const out: NodeProto[] = [];
  const pending = nodes.map((_, i) => i);
  while (pending.length > 0) {
    const k = pending.findIndex((i) => (nodes[i].input ?? []).every((t) => !t || done.has(t)));
    if (k < 0) {
      const n = nodes[pending[0]];
      throw new OnnxParseError('ONNX_BAD_GRAPH', `the graph has a cycle through node '${n.name || n.opType}'`, {
        fix: 'the model does not follow the ONNX spec: re-export it',
      });
    }
    const [i] = pending.splice(k, 1);
    out.push(nodes[i]);
    for (const o of nodes[i].output ?? []) if (o) done.add(o);
  }
  return out;
}
