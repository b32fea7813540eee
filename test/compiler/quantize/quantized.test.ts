/**
 * Quantized models (QDQ and QOperator): the integer model reproduces onnxruntime-node's outputs
 * (issue acceptance 1, on the integer interpreter = the circuit's semantics), each DQ → op → Q
 * group is one requantization, and a QDQ model costs what the float model costs (acceptance 3).
 * Also the lowering's rules on small IR graphs: zero-point clamp, Relu/Clip folding, max sinking.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSamples } from '../../../src/compiler/compile.ts';
import { detectQuantization } from '../../../src/compiler/graph/quantFormat.ts';
import type { Graph, GraphNode } from '../../../src/compiler/graph/ir.ts';
import { importOnnx } from '../../../src/compiler/graph/importOnnx.ts';
import { estimateCost } from '../../../src/compiler/integer/cost.ts';
import { interpretOutputs } from '../../../src/compiler/integer/interpret.ts';
import type { IntGraph, IntInput } from '../../../src/compiler/integer/ir.ts';
import { readOnnx } from '../../../src/compiler/parse/readOnnx.ts';
import { calibrate } from '../../../src/compiler/quantize/calibrate.ts';
import { commuteReluMax } from '../../../src/compiler/quantize/commuteReluMax.ts';
import { encodeScalar } from '../../../src/compiler/quantize/encodeScalar.ts';
import { quantize, type QuantizeOptions } from '../../../src/compiler/quantize/quantize.ts';
import { lowerQuantized } from '../../../src/compiler/quantize/quantized.ts';
import * as Q from '../../../src/compiler/quantize/rational.ts';
import { sinkMax } from '../../../src/compiler/quantize/sinkMax.ts';

const FIXTURES = ['digits-mlp-qdq', 'digits-cnn-qdq', 'digits-mlp-qlinear', 'digits-cnn-qlinear'] as const;
const WIDTHS: QuantizeOptions = { inputBits: 8, weightBits: 8, activationBits: 8 };
const dir = (f: string): string => join('fixtures', 'models', f);

interface Samples {
  inputs: unknown[];
  logits: number[][];
}

function compileInt(f: string, opts: Partial<QuantizeOptions> = {}): { graph: Graph; ig: IntGraph } {
  const graph = commuteReluMax(importOnnx(readFileSync(join(dir(f), 'model.onnx'))));
  return { graph, ig: quantize(graph, new Map(), { ...WIDTHS, ...opts }).graph };
}

/** Exact-match statistics of the integer model against onnxruntime's outputs in samples.json, in output steps. */
export function agreement(ig: IntGraph, samples: Samples): { exact: number; total: number; maxDelta: number } {
  const inp = ig.nodes.find((n) => n.name === ig.inputs[0]) as IntInput;
  const out = ig.nodes.find((n) => n.name === ig.outputs[0])!;
  let exact = 0;
  let total = 0;
  let maxDelta = 0;
  samples.inputs.forEach((x, i) => {
    const q = ((x as unknown[]).flat(Infinity) as number[]).map((v) => {
      const c = encodeScalar(v, inp);
      return c < inp.lo ? inp.lo : c > inp.hi ? inp.hi : c;
    });
    const y = interpretOutputs(ig, { [ig.inputs[0]]: q })[0];
    samples.logits[i].forEach((l, j) => {
      const ort = BigInt(Math.round(l * 2 ** out.scale)) + out.zeroPoint;
      const d = Number(ort > y[j] ? ort - y[j] : y[j] - ort);
      maxDelta = Math.max(maxDelta, d);
      total++;
      if (d === 0) exact++;
    });
  });
  return { exact, total, maxDelta };
}

describe('quantized models (QDQ / QOperator)', function () {
  this.timeout(120_000);

  for (const f of FIXTURES) {
    describe(f, () => {
      const samples = JSON.parse(readFileSync(join(dir(f), 'samples.json'), 'utf8')) as Samples;

      it('reproduces onnxruntime-node on every sample: |Δ| ≤ 1 step, ≥ 99 % exact', () => {
        const { ig } = compileInt(f);
        const a = agreement(ig, samples);
        console.log(`      ${f}: ${a.exact}/${a.total} output values exact (${((100 * a.exact) / a.total).toFixed(2)} %), max |Δ| ${a.maxDelta}`);
        assert.ok(a.maxDelta <= 1, `max |Δ| ${a.maxDelta}`);
        assert.ok(a.exact / a.total >= 0.99, `exact rate ${a.exact / a.total}`);
      });

      it('is reported by inspect with its format', () => {
        const q = detectQuantization(readOnnx(join(dir(f), 'model.onnx')));
        assert.equal(q.format, f.endsWith('qdq') ? 'QDQ' : 'QOperator');
        assert.deepEqual(q.activationTypes, ['uint8']);
        assert.deepEqual(q.weightTypes, ['int8']);
      });
    });
  }

  it('lowers each DQ → op → Q group to one requantization (a single rescale per quantized tensor)', () => {
    const mlp = compileInt('digits-mlp-qdq').ig;
    assert.equal(mlp.nodes.filter((n) => n.op === 'rescale').length, 1, 'MLP: the hidden layer only');
    const cnn = compileInt('digits-cnn-qdq').ig;
    // Conv → ReLU → Q → DQ → MaxPool → Q: max over the accumulators, one requantization, the second Q free.
    assert.deepEqual(cnn.nodes.filter((n) => n.op !== 'linear' && n.op !== 'input').map((n) => n.op), ['max', 'rescale']);
    const ql = compileInt('digits-cnn-qlinear').ig;
    assert.deepEqual(ql.nodes.filter((n) => n.op !== 'linear' && n.op !== 'input').map((n) => n.op), ['max', 'rescale', 'rescale']);
  });

  it('acceptance 3: a QDQ model costs no more than the float model at the same bit widths (half-up), +1 per element for ONNX ties', async () => {
    for (const [qdq, float] of [['digits-mlp-qdq', 'digits-mlp'], ['digits-cnn-qdq', 'digits-cnn']] as const) {
      const g = commuteReluMax(importOnnx(readFileSync(join(dir(float), 'model.onnx'))));
      const specs = g.inputs.map((name) => ({ name, shape: g.nodes.find((n) => n.name === name)!.shape }));
      const s = await loadSamples(join(dir(float), 'samples.json'), specs);
      const floatCost = estimateCost(quantize(g, calibrate(g, s.inputs), WIDTHS).graph, 'private').total;
      const exact = compileInt(qdq).ig;
      const halfUp = compileInt(qdq, { requantRounding: 'half-up' }).ig;
      const exactCost = estimateCost(exact, 'private').total;
      const halfUpCost = estimateCost(halfUp, 'private').total;
      const requantized = exact.nodes.filter((n) => n.op === 'rescale').reduce((a, n) => a + n.shape.reduce((x, y) => x * y, 1), 0);
      console.log(`      ${qdq}: ${exactCost} constraints (ONNX ties), ${halfUpCost} (half up); ${float}: ${floatCost}`);
      assert.ok(halfUpCost <= floatCost, `${qdq} half-up ${halfUpCost} > float ${floatCost}`);
      assert.ok(exactCost <= floatCost + requantized, `${qdq} ${exactCost} > float ${floatCost} + ${requantized}`);
    }
  });

  it('inexact multipliers (min/max scales) use requantBits of precision and round half up', () => {
    const { ig } = compileInt('digits-cnn-qlinear');
    for (const n of ig.nodes) if (n.op === 'rescale') assert.equal(n.rounding, undefined);
    const pow2 = compileInt('digits-mlp-qdq').ig;
    assert.equal(pow2.nodes.find((n) => n.op === 'rescale')!.rounding, 'half-even', 'power-of-two scales: exact, ONNX rounding');
  });
});

// ---- the lowering's rules on hand-built IR ------------------------------------------------------

const csr = (rows: number, entries: [number, number, number][], cols: number) => {
  const rowPtr = new Int32Array(rows + 1);
  const byRow = Array.from({ length: rows }, () => [] as [number, number][]);
  for (const [r, c, v] of entries) byRow[r].push([c, v]);
  const colIdx: number[] = [];
  const values: number[] = [];
  byRow.forEach((es, r) => {
    for (const [c, v] of es.sort((a, b) => a[0] - b[0])) {
      colIdx.push(c);
      values.push(v);
    }
    rowPtr[r + 1] = colIdx.length;
  });
  return { rows, cols, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
};

/** x (float, 4) → Q(s_in, zp_in) → DQ → Linear(w) → [relu | clip] → Q(s_y, zp_y) → DQ → output. */
function smallGraph(opts: { act?: 'relu' | 'clip'; zpY: number; sIn: number; sY: number; w: number[][]; int8?: boolean }): Graph {
  const n = opts.w.length;
  const [lo, hi, zpX] = opts.int8 ? [-128, 127, -100] : [0, 255, 0];
  const nodes: GraphNode[] = [
    { op: 'input', name: 'x', origin: 'x', shape: [1, 4] },
    { op: 'quantize', name: 'xq', origin: 'Q', shape: [1, 4], input: 'x', scale: Float64Array.of(opts.sIn), zeroPoint: zpX, lo, hi },
    { op: 'linear', name: 'xdq', origin: 'DQ', shape: [1, 4], inputs: ['xq'], matrix: csr(4, [0, 1, 2, 3].map((i) => [i, i, opts.sIn]), 4), bias: new Float64Array(4).fill(-opts.sIn * zpX), kind: 'DequantizeLinear' },
    { op: 'linear', name: 'acc', origin: 'Gemm', shape: [1, n], inputs: ['xdq'], matrix: csr(n, opts.w.flatMap((row, r) => row.map((v, c) => [r, c, v] as [number, number, number])), 4), bias: Float64Array.from({ length: n }, (_, r) => 0.01 * r), kind: 'Gemm' },
  ];
  let last = 'acc';
  if (opts.act === 'relu') nodes.push({ op: 'relu', name: 'act', origin: 'Relu', shape: [1, n], input: 'acc' });
  if (opts.act === 'clip') nodes.push({ op: 'clip', name: 'act', origin: 'Clip', shape: [1, n], input: 'acc', lo: -0.5, hi: 0.75 });
  if (opts.act) last = 'act';
  nodes.push({ op: 'quantize', name: 'yq', origin: 'Qy', shape: [1, n], input: last, scale: Float64Array.of(opts.sY), zeroPoint: opts.zpY, lo, hi });
  nodes.push({ op: 'linear', name: 'y', origin: 'DQy', shape: [1, n], inputs: ['yq'], matrix: csr(n, Array.from({ length: n }, (_, i) => [i, i, opts.sY] as [number, number, number]), n), bias: Float64Array.from({ length: n }, () => -opts.sY * opts.zpY), kind: 'DequantizeLinear' });
  return { name: 'small', opset: 13, nodes, inputs: ['x'], outputs: ['y'], onnxNodes: [] };
}

/** The float IR's own semantics (QuantizeLinear with float32 division, round half even). */
function floatRun(g: Graph, x: number[]): number[] {
  const v = new Map<string, number[]>();
  for (const n of g.nodes) {
    if (n.op === 'input') v.set(n.name, x);
    else if (n.op === 'quantize') v.set(n.name, v.get(n.input)!.map((a) => {
      const t = Math.fround(Math.fround(a) / Math.fround(n.scale[0]));
      const r = Math.round(t);
      const q = (Math.abs(t % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + n.zeroPoint;
      return Math.min(Math.max(q, n.lo), n.hi);
    }));
    else if (n.op === 'relu') v.set(n.name, v.get(n.input)!.map((a) => Math.max(a, 0)));
    else if (n.op === 'max') v.set(n.name, n.windows.map((w) => Math.max(...Array.from(w, (j) => v.get(n.input)![j]))));
    else if (n.op === 'clip') v.set(n.name, v.get(n.input)!.map((a) => Math.min(Math.max(a, n.lo), n.hi)));
    else if (n.op === 'linear') {
      const xs = v.get(n.inputs[0])!;
      v.set(n.name, Array.from({ length: n.matrix.rows }, (_, r) => {
        let s = n.bias[r];
        for (let e = n.matrix.rowPtr[r]; e < n.matrix.rowPtr[r + 1]; e++) s += n.matrix.values[e] * xs[n.matrix.colIdx[e]];
        return s;
      }));
    }
  }
  return v.get(g.outputs[0])!;
}

function runInt(g: Graph, x: number[], ig = lowerQuantized(g).graph): number[] {
  const inp = ig.nodes[0] as IntInput;
  const out = ig.nodes.find((n) => n.name === ig.outputs[0])!;
  const q = x.map((v) => {
    const c = encodeScalar(v, inp);
    return c < inp.lo ? inp.lo : c > inp.hi ? inp.hi : c;
  });
  return interpretOutputs(ig, { x: q })[0].map((y) => Number(y - out.zeroPoint) * 2 ** -out.scale);
}

describe('quantized lowering rules', () => {
  const W = [[0.25, -0.5, 0.125, 1], [-1, 0.75, 0.5, -0.25], [0.5, 0.5, -0.5, 0.5]];
  const inputs = Array.from({ length: 200 }, (_, k) => [0, 1, 2, 3].map((i) => ((k * 37 + i * 11) % 97) / 97 - 0.1));

  for (const act of [undefined, 'relu', 'clip'] as const) {
    for (const zpY of [0, 100]) {
      it(`requantizes exactly: ${act ?? 'no activation'}, zero point ${zpY} (clamp folded; extra min only when needed)`, () => {
        const g = smallGraph({ act, zpY, sIn: 1 / 255, sY: 0.0123, w: W });
        const ig = lowerQuantized(g).graph;
        let mism = 0;
        for (const x of inputs) {
          const want = floatRun(g, x);
          const got = runInt(g, x, ig);
          got.forEach((v, j) => {
            const d = Math.abs(v - want[j]) / 0.0123;
            assert.ok(d <= 1 + 1e-9, `x = ${x}: ${v} vs ${want[j]}`);
            if (d > 1e-9) mism++;
          });
        }
        assert.ok(mism <= 2, `${mism} one-step differences`);
        const rescales = ig.nodes.filter((n) => n.op === 'rescale');
        assert.equal(rescales.length, 1, 'one requantization');
        // A Relu with zero point 0 is the zero-point clamp itself; with zp 100 the codes [100, 255] are
        // offset to [0, 155] and the upper end costs one comparison.
        const maxes = ig.nodes.filter((n) => n.op === 'max').length;
        if (act === 'relu') assert.equal(maxes, zpY === 0 ? 0 : 1);
      });
    }
  }

  for (const act of [undefined, 'relu'] as const) {
    it(`int8 activations with zero points (${act ?? 'no activation'}): codes offset by 128 in the circuit, exact`, () => {
      const g = smallGraph({ act, zpY: -7, sIn: 1 / 200, sY: 0.0091, w: W, int8: true });
      const ig = lowerQuantized(g).graph;
      const inp = ig.nodes[0] as IntInput;
      assert.equal(inp.zeroPoint, 28n, 'input zero point −100 + 128');
      assert.equal(inp.bits, 8);
      for (const x of inputs) {
        const want = floatRun(g, x);
        runInt(g, x, ig).forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 0.0091 + 1e-9, `x = ${x}: ${v} vs ${want[j]}`));
      }
      // ReLU with zero point −7 > −128: codes [−7, 127] (offset to [0, 134]); the lower clamp is the
      // rescale's, the upper end (134 < 2^8 − 1) costs one comparison.
      assert.equal(ig.nodes.filter((n) => n.op === 'max').length, act === 'relu' ? 1 : 0);
    });
  }

  it('moves MaxPool below ReLU, QuantizeLinear and DequantizeLinear (sinkMax)', () => {
    const g = smallGraph({ act: 'relu', zpY: 0, sIn: 1 / 255, sY: 0.02, w: W });
    // y = DQ(Q(relu(acc))) → max over pairs of elements → output
    const pooled: Graph = {
      ...g,
      nodes: [...g.nodes, { op: 'max', name: 'p', origin: 'MaxPool', shape: [1, 2], input: 'y', windows: [Int32Array.of(0, 1), Int32Array.of(1, 2)] }],
      outputs: ['p'],
    };
    const s = sinkMax(pooled);
    assert.deepEqual(s.nodes.map((n) => n.op), ['input', 'quantize', 'linear', 'linear', 'max', 'relu', 'quantize', 'linear']);
    for (const x of inputs.slice(0, 50)) {
      const got = runInt(pooled, x);
      floatRun(pooled, x).forEach((v, j) => assert.ok(Math.abs(got[j] - v) <= 0.02 + 1e-9, `x = ${x}: ${got[j]} vs ${v}`));
    }
  });

  it('rationals: exact float64 values, gcd of dyadic scales', () => {
    assert.deepEqual(Q.fromNumber(0.375), { n: 3n, d: 8n });
    assert.deepEqual(Q.fromNumber(-5), { n: -5n, d: 1n });
    const s = Q.fromNumber(Math.fround(0.0123));
    const g = Q.gcdAll([Q.mulInt(s, 6n), Q.mulInt(s, -9n), Q.mulInt(s, 15n)])!;
    assert.ok(Q.eq(g, Q.mulInt(s, 3n)));
    assert.equal(Q.roundHalfUp(Q.rat(5n, 2n)), 3n);
    assert.equal(Q.roundHalfUp(Q.rat(-5n, 2n)), -2n);
    assert.equal(Q.floor(Q.rat(-1n, 3n)), -1n);
  });
});
