/**
 * Issue 4, acceptance 1: the four quantized fixtures (QDQ and QOperator) compile, prove and
 * verify; the circuit's outputs equal the integer interpreter's, and over samples.json they are
 * within one step of onnxruntime-node's outputs with ≥ 99 % of the values exact (the rate is printed).
 */
import assert from 'node:assert/strict';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { verify } from '../../src/prover/verify.ts';
import { fixtureBuild, readSamples } from '../helpers/fixtureBuild.ts';

const QUANTIZED = ['digits-mlp-qdq', 'digits-cnn-qdq', 'digits-mlp-qlinear', 'digits-cnn-qlinear'];

for (const f of QUANTIZED) {
  describe(`quantized pipeline: ${f}`, function () {
    this.timeout(600_000);
    const samples = readSamples(f);
    let prover: Prover;

    before(async () => {
      const b = await fixtureBuild(f);
      prover = await Prover.load(b.paths.dir);
    });
    after(async () => prover?.close());

    it('matches onnxruntime-node on every sample: |Δ| ≤ 1 step, ≥ 99 % of the values exact', async () => {
      const b = await fixtureBuild(f);
      const o = b.manifest.outputs[0];
      let exact = 0;
      let total = 0;
      let worst = 0n;
      samples.inputs.forEach((x, i) => {
        const q = quantizeInput(b.manifest, x);
        const y = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
        samples.logits[i].forEach((l, j) => {
          const ort = BigInt(Math.round(l * 2 ** o.scale)) + BigInt(o.zeroPoint);
          const d = ort > y[j] ? ort - y[j] : y[j] - ort;
          if (d > worst) worst = d;
          if (d === 0n) exact++;
          total++;
        });
      });
      console.log(`      ${f}: ${b.manifest.circuit.constraints} constraints; ${exact}/${total} output values equal onnxruntime-node's (${((100 * exact) / total).toFixed(2)} %), max |Δ| ${worst}`);
      assert.ok(worst <= 1n, `max |Δ| ${worst}`);
      assert.ok(exact / total >= 0.99);
    });

    it('proves: circuit outputs equal the interpreter, proofs verify, a changed output fails', async () => {
      const b = await fixtureBuild(f);
      for (const i of [0, 7]) {
        const r = await prover.prove(samples.inputs[i]);
        const q = quantizeInput(b.manifest, samples.inputs[i]);
        const want = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
        assert.deepEqual(r.outputs[0].values, want, `sample ${i}`);
        assert.equal((await verify(b.paths.dir, r.proof, r.publicSignals)).valid, true, `sample ${i} verifies`);
        if (i === 0) {
          const signals = [...r.publicSignals];
          signals[0] = (BigInt(signals[0]) + 1n).toString();
          assert.equal((await verify(b.paths.dir, r.proof, signals)).valid, false, 'a changed output fails');
        }
      }
    });
  });
}
