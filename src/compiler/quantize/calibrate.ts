/**
 * Calibration: run the float graph on sample inputs and record, for every tensor, the
 * smallest and largest value seen. The quantizer picks scales from these ranges.
 */
import type { Graph } from '../graph/ir.ts';
import { runGraph } from '../graph/runGraph.ts';

export interface Range {
  min: number;
  max: number;
}

/** Every tensor of the float graph by name: the graph interpreter with intermediates kept. */
export function evaluateFloat(graph: Graph, inputs: Record<string, Float64Array>): Map<string, Float64Array> {
  return new Map(Object.entries(runGraph(graph, inputs, { all: true })));
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
