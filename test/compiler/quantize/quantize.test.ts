import assert from 'node:assert/strict';
import type { CsrMatrix, Graph } from '../../../src/compiler/graph/ir.ts';
import { interpret } from '../../../src/compiler/integer/interpret.ts';
import { calibrate, evaluateFloat } from '../../../src/compiler/quantize/calibrate.ts';
import { commuteReluMax } from '../../../src/compiler/quantize/commuteReluMax.ts';
import { quantize } from '../../../src/compiler/quantize/quantize.ts';

/** Seeded uniform [0, 1). */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

function dense(rows: number, cols: number, r: () => number): CsrMatrix {
  const rowPtr = Int32Array.from({ length: rows + 1 }, (_, i) => i * cols);
  const colIdx = Int32Array.from({ length: rows * cols }, (_, e) => e % cols);
  const values = Float64Array.from({ length: rows * cols }, () => r() * 2 - 1);
  return { rows, cols, rowPtr, colIdx, values };
}

/** input[1,8] → linear 8→6 → relu → max (pairs) → linear 3→4 (+ residual-free) → mean of pairs */
function tinyGraph(): Graph {
  const r = rng(7);
  return {
    name: 'tiny', opset: 13, inputs: ['x'], outputs: ['y', 'm'], onnxNodes: [],
    nodes: [
      { op: 'input', name: 'x', origin: 'x', shape: [1, 8] },
      { op: 'linear', name: 'h', origin: 'Gemm_0', shape: [1, 6], inputs: ['x'], matrix: dense(6, 8, r), bias: Float64Array.from({ length: 6 }, () => r() - 0.5), kind: 'Gemm' },
      { op: 'relu', name: 'a', origin: 'Relu_1', shape: [1, 6], input: 'h' },
      { op: 'max', name: 'p', origin: 'MaxPool_2', shape: [1, 3], input: 'a', windows: [Int32Array.of(0, 1), Int32Array.of(2, 3), Int32Array.of(4, 5)] },
      { op: 'linear', name: 'y', origin: 'Gemm_3', shape: [1, 4], inputs: ['p'], matrix: dense(4, 3, r), bias: new Float64Array(4), kind: 'Gemm' },
      { op: 'mean', name: 'm', origin: 'AveragePool_4', shape: [1, 2], input: 'p', windows: [Int32Array.of(0, 1), Int32Array.of(1, 2)], divisor: Int32Array.of(3, 3) },
    ],
  };
}

describe('quantize + integer interpreter', () => {
  const graph = commuteReluMax(tinyGraph());
  const r = rng(11);
  const samples = Array.from({ length: 50 }, () => ({ x: Float64Array.from({ length: 8 }, r) }));
  const ranges = calibrate(graph, samples);
  const { graph: ig } = quantize(graph, ranges, { inputBits: 8, weightBits: 8, activationBits: 8 });

  it('commutes relu after max so pooling runs on accumulators', () => {
    const ops = graph.nodes.map((n) => n.op);
    assert.deepEqual(ops, ['input', 'linear', 'max', 'relu', 'linear', 'mean']);
    assert.equal(graph.nodes[3].name, 'p');
  });

  it('dequantized outputs track the float model', () => {
    const x = ig.nodes.find((n) => n.name === 'x')!;
    for (const s of samples.slice(0, 10)) {
      const q = Array.from(s.x, (v) => BigInt(Math.round(v * 2 ** x.scale)));
      const vals = interpret(ig, { x: q });
      const f = evaluateFloat(graph, s);
      for (const name of ['y', 'm']) {
        const o = ig.nodes.find((n) => n.name === name)!;
        const got = vals.get(name)!.map((v) => Number(v - o.zeroPoint) / 2 ** o.scale);
        got.forEach((g, i) => assert.ok(Math.abs(g - f.get(name)![i]) < 0.05, `${name}[${i}]: ${g} vs ${f.get(name)![i]}`));
      }
    }
  });

  it('static intervals contain every value for any in-range input (soundness of the bounds)', () => {
    const rr = rng(3);
    const extremes = [0n, 255n];
    for (let t = 0; t < 300; t++) {
      const q = Array.from({ length: 8 }, () => (t < 20 ? extremes[Math.floor(rr() * 2)] : BigInt(Math.floor(rr() * 256))));
      const vals = interpret(ig, { x: q });
      for (const n of ig.nodes) {
        for (const v of vals.get(n.name)!) assert.ok(v >= n.lo && v <= n.hi, `${n.name}: ${v} ∉ [${n.lo}, ${n.hi}]`);
      }
    }
  });

  it('a rescale sits before every dense layer fed by an accumulator', () => {
    const y = ig.nodes.find((n) => n.name === 'y');
    assert.equal(y?.op, 'linear');
    const src = ig.nodes.find((n) => n.name === (y as { inputs: string[] }).inputs[0])!;
    assert.equal(src.kind, 'signal');
  });

  it('rejects input values outside the declared range', () => {
    assert.throws(() => interpret(ig, { x: Array(8).fill(256n) }), /outside/);
  });
});
