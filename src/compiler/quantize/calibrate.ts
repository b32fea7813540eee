/**
 * Calibration: run the float graph on sample inputs and record, for every tensor, the
 * smallest and largest value seen. The quantizer picks scales from these ranges.
 */
import { evalActivation, evalClip, evalQuantize } from '../graph/elementwise.ts';
import type { Graph, GraphNode } from '../graph/ir.ts';

export interface Range {
  min: number;
  max: number;
}

/** Evaluates every node of the float graph; returns all tensors by name. */
export function evaluateFloat(graph: Graph, inputs: Record<string, Float64Array>): Map<string, Float64Array> {
  const values = new Map<string, Float64Array>();
  for (const node of graph.nodes) values.set(node.name, evalNode(node, inputs, values));
  return values;
}

function evalNode(node: GraphNode, inputs: Record<string, Float64Array>, values: Map<string, Float64Array>): Float64Array {
  switch (node.op) {
    case 'input':
      return inputs[node.name];
    case 'linear': {
      const parts = node.inputs.map((n) => values.get(n)!);
      const x = parts.length === 1 ? parts[0] : concat(parts);
      const { rowPtr, colIdx, values: w, rows } = node.matrix;
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let acc = node.bias[r];
        for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) acc += w[e] * x[colIdx[e]];
        out[r] = acc;
      }
      return out;
    }
    case 'relu':
      return values.get(node.input)!.map((v) => (v > 0 ? v : 0));
    case 'quantize':
      return evalQuantize(node, values.get(node.input)!);
    case 'clip':
      return evalClip(node, values.get(node.input)!);
    case 'activation':
      return evalActivation(node, values.get(node.input)!);
    case 'max': {
      const x = values.get(node.input)!;
      return Float64Array.from(node.windows, (w) => {
        let m = -Infinity;
        for (const j of w) if (x[j] > m) m = x[j];
        return m;
      });
    }
    case 'mean': {
      const x = values.get(node.input)!;
      return Float64Array.from(node.windows, (w, i) => {
        let s = 0;
        for (const j of w) s += x[j];
        return s / node.divisor[i];
      });
    }
  }
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Per-tensor ranges over all samples. */
export function calibrate(graph: Graph, samples: Record<string, Float64Array>[]): Map<string, Range> {
  const ranges = new Map<string, Range>();
  for (const sample of samples) {
    for (const [name, v] of evaluateFloat(graph, sample)) {
      const r = ranges.get(name) ?? { min: Infinity, max: -Infinity };
      for (const x of v) {
        if (x < r.min) r.min = x;
        if (x > r.max) r.max = x;
      }
      ranges.set(name, r);
    }
  }
  return ranges;
}
