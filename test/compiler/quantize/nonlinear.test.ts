/**
 * Float models' Sigmoid, Tanh and Clip (quantize/floatNonlinear.ts): the stated error bounds hold
 * over the whole input range at the default 8-bit widths, the bound the compiler reports
 * (errorBound.ts) covers every output, and the cost is the stated one.
 */
import assert from 'node:assert/strict';
import type { Graph, GraphNode } from '../../../src/compiler/graph/ir.ts';
import { sigmoid } from '../../../src/compiler/graph/elementwise.ts';
import { estimateCost } from '../../../src/compiler/integer/cost.ts';
import { interpretOutputs } from '../../../src/compiler/integer/interpret.ts';
import type { IntInput } from '../../../src/compiler/integer/ir.ts';
import { pwlConstraints } from '../../../src/compiler/integer/templateCosts.ts';
import { calibrate } from '../../../src/compiler/quantize/calibrate.ts';
import { encodeScalar } from '../../../src/compiler/quantize/encodeScalar.ts';
import { outputErrorBounds } from '../../../src/compiler/quantize/errorBound.ts';
import { PWL, pwlTable } from '../../../src/compiler/quantize/floatNonlinear.ts';
import { quantize } from '../../../src/compiler/quantize/quantize.ts';

const N = 64;
const identity = () => ({
  rows: N, cols: N, rowPtr: Int32Array.from({ length: N + 1 }, (_, i) => i), colIdx: Int32Array.from({ length: N }, (_, i) => i),
  values: new Float64Array(N).fill(1.5),
});

/** x → 1.5·x + 0.25 (an accumulator) → op → y. */
function graph(op: GraphNode): Graph {
  return {
    name: 't', opset: 13, inputs: ['x'], outputs: ['y'], onnxNodes: [],
    nodes: [
      { op: 'input', name: 'x', origin: 'x', shape: [1, N] },
      { op: 'linear', name: 'a', origin: 'Mul', shape: [1, N], inputs: ['x'], matrix: identity(), bias: new Float64Array(N).fill(0.25), kind: 'Mul' },
      op,
    ],
  };
}

function check(g: Graph, f: (v: number) => number, lo: number, hi: number, widths = { inputBits: 8, weightBits: 8, activationBits: 8 }) {
  const samples = [0, 1, 2, 3].map((k) => ({ x: Float64Array.from({ length: N }, (_, i) => lo + ((hi - lo) * (i + k * N)) / (4 * N - 1)) }));
  const ranges = calibrate(g, samples);
  const { graph: ig, layers } = quantize(g, ranges, widths);
  const [bound] = outputErrorBounds(g, ig, ranges, layers as unknown as Record<string, unknown>[]);
  const inp = ig.nodes[0] as IntInput;
  const out = ig.nodes.find((n) => n.name === ig.outputs[0])!;
  let worst = 0;
  for (const s of samples) {
    const q = Array.from(s.x, (v) => encodeScalar(v, inp));
    const y = interpretOutputs(ig, { x: q })[0];
    s.x.forEach((v, i) => {
      const d = Math.abs(Number(y[i] - out.zeroPoint) * 2 ** -out.scale - f(1.5 * v + 0.25));
      worst = Math.max(worst, d);
    });
  }
  return { worst, bound, ig, layers };
}

describe('float Sigmoid / Tanh / Clip', () => {
  for (const fn of ['sigmoid', 'tanh'] as const) {
    it(`${fn}: piecewise-linear table within its stated error (exhaustive over the 2^${PWL.BIN} grid)`, () => {
      const t = pwlTable(fn);
      assert.ok(t.maxError <= (fn === 'sigmoid' ? 1.6e-3 : 3.1e-3), `${fn} grid error ${t.maxError}`);
      assert.ok(t.tail <= (fn === 'sigmoid' ? 3.5e-4 : 7e-4));
    });

    it(`${fn}: every output within the reported bound over [−12.5, 11.5] at 8 bits; cost as stated`, () => {
      const f = fn === 'sigmoid' ? sigmoid : Math.tanh;
      const { worst, bound, ig, layers } = check(graph({ op: 'activation', name: 'y', origin: fn, shape: [1, N], input: 'a', fn }), f, -8.5, 7.5);
      assert.ok(worst <= bound, `max error ${worst} > reported bound ${bound}`);
      // The bound is dominated by the 8-bit input (step 1/8 over ±8.5, times the slope); the op adds < 0.01.
      assert.ok(bound < 0.12, `bound ${bound}`);
      const report = layers.find((l) => l.name === 'y') as unknown as { errorBound: number };
      assert.ok(report.errorBound > 0 && report.errorBound < 0.02, `${report.errorBound}`); // approximation + ½ output step
      const cost = estimateCost(ig, 'private').nodes.find((n) => n.op === 'pwl')!;
      assert.equal(cost.constraints, N * pwlConstraints(PWL.BIN, PWL.T));
    });
  }

  for (const [lo, hi] of [[0, 6], [-1, 1], [-Infinity, 0.5], [0.25, Infinity]] as const) {
    it(`clip [${lo}, ${hi}]: within the reported bound`, () => {
      const f = (v: number): number => Math.min(Math.max(v, lo), hi);
      const { worst, bound, ig } = check(graph({ op: 'clip', name: 'y', origin: 'Clip', shape: [1, N], input: 'a', lo, hi }), f, -5, 7);
      assert.ok(worst <= bound + 1e-12, `max error ${worst} > reported bound ${bound}`);
      const ops = ig.nodes.map((n) => n.op);
      assert.equal(ops.filter((o) => o === 'rescale').length, 1, 'one rescale');
      assert.ok(ops.filter((o) => o === 'max').length <= 1, 'at most one comparison');
    });
  }
});
