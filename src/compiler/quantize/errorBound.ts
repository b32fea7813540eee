/**
 * Static error bound of a quantized float model: for every output element, a bound on
 * |dequantized circuit output − float model output| that holds for every input inside the
 * calibrated ranges (a saturating clamp is charged by how far the calibrated values, plus the
 * error so far, can exceed it). It is the tolerance the compiler reports (manifest outputs'
 * `errorBound`) and the one the ONNX conformance runner compares float tests with.
 *
 * Propagation over the float graph, reading the integer model's choices by tensor name:
 *   input   e = ½ step (2^−(s+1))
 *   linear  e_r = Σ |ŵ|·e_in + Σ |ŵ − w|·max|x| + |b̂ − b|    (ŵ, b̂ the weights the circuit uses)
 *   rescale e_out = e_in + ½ step + clamp excess;  relu, max: Lipschitz 1 (e_in passes through)
 *   mean    e_in + ½ step (exact round-half-up division)
 *   clip    e_in + ½ step + ½ step (bounds rounded to the grid) + clamp excess
 *   sigmoid/tanh  f'max·e_in + the approximation's stated bound (floatNonlinear.ts)
 * Quantized (QDQ/QOperator) models reproduce their own integer arithmetic: their bound is 0
 * up to onnxruntime's float rounding (±1 step, see quantized.ts).
 */
import type { Graph } from '../graph/ir.ts';
import type { IntGraph, IntLinear, IntNode } from '../integer/ir.ts';
import type { Range } from './calibrate.ts';

export function outputErrorBounds(graph: Graph, intGraph: IntGraph, ranges: Map<string, Range>, layers: Array<Record<string, unknown>> = []): number[] {
  if (graph.nodes.some((n) => n.op === 'quantize')) return graph.outputs.map(() => 0);
  const int = new Map(intGraph.nodes.map((n) => [n.name, n]));
  const err = new Map<string, Float64Array>();
  const maxAbs = (name: string): number => {
    const r = ranges.get(name);
    return r ? Math.max(Math.abs(r.min), Math.abs(r.max)) : Infinity;
  };
  const half = (n: IntNode): number => (n.op === 'input' && n.step !== undefined ? n.step / 2 : 2 ** -(n.scale + 1));
  /** Real value range the integer node can represent: [(lo − zp)·2^−s, (hi − zp)·2^−s]. */
  const rep = (n: IntNode): [number, number] => [Number(n.lo - n.zeroPoint) * 2 ** -n.scale, Number(n.hi - n.zeroPoint) * 2 ** -n.scale];
  /** How far the float tensor (plus its error) can leave the representable range. */
  const excess = (floatName: string, n: IntNode, e: number): number => {
    const r = ranges.get(floatName);
    if (!r) return 0;
    const [lo, hi] = rep(n);
    return Math.max(0, r.max + e - hi, lo - (r.min - e));
  };
  const maxOf = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, v), 0);
  const rescaled = (floatName: string, e: Float64Array): Float64Array => {
    const r = int.get(`${floatName}::rescaled`);
    if (!r) return e;
    const extra = half(r) + excess(floatName, r, maxOf(e));
    return e.map((v) => v + extra);
  };

  for (const node of graph.nodes) {
    const size = node.shape.reduce((a, b) => a * b, 1);
    const out = new Float64Array(size);
    switch (node.op) {
      case 'input': {
        const n = int.get(node.name);
        out.fill(n ? half(n) : 0);
        break;
      }
      case 'linear': {
        const q = int.get(node.name) as IntLinear | undefined;
        const parts = node.inputs.map((i) => rescaled(i, err.get(i)!));
        const starts: number[] = [];
        let c0 = 0;
        for (const i of node.inputs) {
          starts.push(c0);
          c0 += sizeOf(graph, i);
        }
        const blockOf = (col: number): number => {
          let k = 0;
          while (k + 1 < starts.length && starts[k + 1] <= col) k++;
          return k;
        };
        const m = node.matrix;
        for (let r = 0; r < m.rows; r++) {
          let e = 0;
          let qb = 0;
          for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
            const b = blockOf(m.colIdx[k]);
            const col = m.colIdx[k] - starts[b];
            const w = m.values[k];
            let wq = w;
            if (q && q.op === 'linear') {
              const x = int.get(q.inputs[b])!;
              wq = Number(q.matrix.values[k]) * 2 ** (x.scale - q.scale);
              qb += Number(q.matrix.values[k]) * Number(x.zeroPoint);
            }
            e += Math.abs(wq) * parts[b][col] + Math.abs(wq - w) * maxAbs(node.inputs[b]);
          }
          if (q && q.op === 'linear') e += Math.abs((Number(q.bias[r]) + qb) * 2 ** -q.scale - node.bias[r]);
          out[r] = e;
        }
        break;
      }
      case 'relu': {
        const n = int.get(node.name)!;
        const e = err.get(node.input)!;
        const extra = half(n) + excess(node.name, n, maxOf(e));
        e.forEach((v, i) => (out[i] = v + extra));
        break;
      }
      case 'max':
        node.windows.forEach((w, i) => {
          const e = err.get(node.input)!;
          out[i] = Math.max(...Array.from(w, (j) => e[j]));
        });
        break;
      case 'mean': {
        const n = int.get(node.name)!;
        const e = rescaled(node.input, err.get(node.input)!);
        const pre = int.get(`${node.name}::in`);
        const extra = half(n) + (pre ? half(pre) : 0);
        node.windows.forEach((w, i) => (out[i] = Math.max(...Array.from(w, (j) => e[j])) + extra));
        break;
      }
      case 'clip': {
        const n = int.get(node.name)!;
        const e = err.get(node.input)!;
        const extra = 2 * half(n) + excess(node.name, n, maxOf(e));
        e.forEach((v, i) => (out[i] = v + extra));
        break;
      }
      case 'activation': {
        const report = layers.find((l) => l.name === node.name) as { errorBound?: number; lipschitz?: number } | undefined;
        const e = err.get(node.input)!;
        e.forEach((v, i) => (out[i] = (report?.lipschitz ?? 1) * v + (report?.errorBound ?? Infinity)));
        break;
      }
      case 'quantize':
        break;
    }
    err.set(node.name, out);
  }
  return graph.outputs.map((o) => maxOf(err.get(o) ?? Float64Array.of(Infinity)));
}

function sizeOf(graph: Graph, name: string): number {
  return graph.nodes.find((m) => m.name === name)!.shape.reduce((a, b) => a * b, 1);
}
