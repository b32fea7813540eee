/**
 * Committed weights in the quantizer and the integer model (no circuit): the static intervals hold
 * for ANY weights of the declared widths (so one circuit serves the architecture), the weights file
 * round-trips through the model, and the weighted layers are the ones with model weights.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { calibrate } from '../../src/compiler/quantize/calibrate.ts';
import { commuteReluMax } from '../../src/compiler/quantize/commuteReluMax.ts';
import { isWeightedKind } from '../../src/compiler/quantize/committedWeights.ts';
import { quantize } from '../../src/compiler/quantize/quantize.ts';
import { interpret } from '../../src/compiler/integer/interpret.ts';
import { applyWeights, extractWeights } from '../../src/compiler/privacy/weights.ts';
import { importOnnx } from '../../src/compiler/graph/importOnnx.ts';
import { loadSamples } from '../../src/compiler/compile.ts';
import { readFile } from 'node:fs/promises';
import { randomBigInt, rng } from '../helpers/circuitTester.ts';
import { fixtureDir } from './builds.ts';

async function quantized(fixture: string, weights: 'constant' | 'committed') {
  const g = commuteReluMax(importOnnx(new Uint8Array(await readFile(join(fixtureDir(fixture), 'model.onnx')))));
  const specs = g.inputs.map((name) => ({ name, shape: g.nodes.find((n) => n.name === name)!.shape }));
  const samples = await loadSamples(join(fixtureDir(fixture), 'samples.json'), specs);
  return quantize(g, calibrate(g, samples.inputs), { inputBits: 8, weightBits: 8, activationBits: 8, weights });
}

describe('committed weights: quantizer intervals and the weights layout', function () {
  this.timeout(120_000);

  it('weighted kinds: Gemm, MatMul, Conv, BatchNormalization and fusions of them; not layout or constant arithmetic', () => {
    for (const k of ['Gemm', 'MatMul', 'Conv', 'Conv+BatchNormalization', 'Flatten+Gemm', 'BatchNormalization']) assert.equal(isWeightedKind(k), true, k);
    for (const k of ['Add', 'Reshape', 'Concat', 'Flatten', 'Mul', 'Transpose+Concat']) assert.equal(isWeightedKind(k), false, k);
  });

  for (const fixture of ['digits-mlp', 'digits-cnn']) {
    it(`${fixture}: same scales as constant weights; weights file round-trips; intervals hold for random weights of the declared widths`, async () => {
      const constant = await quantized(fixture, 'constant');
      const { graph: g, weights: layout } = await quantized(fixture, 'committed');
      assert.ok(layout && layout.nodes.length === 2, 'two weighted layers');
      assert.equal(constant.weights, undefined);
      // Same quantization (scales, shifts), wider intervals.
      g.nodes.forEach((n, i) => {
        const c = constant.graph.nodes[i];
        assert.equal(n.scale, c.scale, `${n.name} scale`);
        assert.ok(n.lo <= c.lo && n.hi >= c.hi, `${n.name}: committed interval contains the model's`);
      });
      const own = extractWeights(g, layout);
      assert.equal(own.length, layout.count);
      assert.deepEqual(extractWeights(applyWeights(g, layout, own), layout), own);

      const next = rng(fixture.length);
      const input = g.nodes.find((n) => n.op === 'input')!;
      const size = input.shape.reduce((a, b) => a * b, 1);
      for (let t = 0; t < 6; t++) {
        // Extreme and random weights and biases of the declared widths, extreme and random inputs.
        const w: bigint[] = [];
        for (const n of layout.nodes) {
          const wh = 1n << BigInt(layout.weightBits - 1);
          const bh = 1n << BigInt(n.biasBits - 1);
          for (let e = 0; e < n.entries; e++) w.push(t === 0 ? -wh : t === 1 ? wh - 1n : randomBigInt(next, -wh, wh - 1n));
          for (let r = 0; r < n.rows; r++) w.push(t === 0 ? -bh : t === 1 ? bh - 1n : randomBigInt(next, -bh, bh - 1n));
        }
        const g2 = applyWeights(g, layout, w);
        const x = Array.from({ length: size }, () => (t % 2 === 0 ? input.hi : randomBigInt(next, input.lo, input.hi)));
        const values = interpret(g2, { [input.name]: x });
        for (const n of g2.nodes) {
          for (const v of values.get(n.name)!) assert.ok(v >= n.lo && v <= n.hi, `${fixture} ${n.name}: ${v} outside [${n.lo}, ${n.hi}] (trial ${t})`);
        }
      }
    });
  }
});
