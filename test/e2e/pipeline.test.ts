/**
 * Issue acceptance 2 and 3: for both fixtures, the circuit's outputs equal the integer
 * interpreter's, proofs verify, tampered proofs and public signals fail, and the quantized
 * model agrees with the float model (onnxruntime's logits in samples.json) on ≥ 99 % of samples.
 */
import assert from 'node:assert/strict';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { verify } from '../../src/prover/verify.ts';
import { argmax } from '../../src/compiler/compile.ts';
import { FIXTURES, fixtureBuild, readSamples } from '../helpers/fixtureBuild.ts';

const BUDGET: Record<string, number> = { 'digits-mlp': 2500, 'digits-cnn': 10000 };

const FIELD = 21888242871839275222246405745257275088548364400416821118215636437201824821761n;

for (const f of FIXTURES) {
  describe(`pipeline: ${f}`, function () {
    this.timeout(600_000);
    const samples = readSamples(f);
    let prover: Prover;

    before(async () => {
      const b = await fixtureBuild(f);
      prover = await Prover.load(b.paths.dir);
    });
    after(async () => prover?.close());

    it(`compiles to fewer than ${BUDGET[f]} constraints, exactly the cost model's estimate`, async () => {
      const b = await fixtureBuild(f);
      assert.equal(b.manifest.circuit.constraints, b.estimate.total);
      assert.ok(b.manifest.circuit.constraints < BUDGET[f], `${b.manifest.circuit.constraints} constraints`);
      assert.equal(b.manifest.circuit.linearConstraints, 0);
    });

    it('argmax agrees with the float model on ≥ 99 % of samples.json', async () => {
      const b = await fixtureBuild(f);
      let agree = 0;
      for (let i = 0; i < samples.inputs.length; i++) {
        const q = quantizeInput(b.manifest, samples.inputs[i]);
        const out = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
        const o = b.manifest.outputs[0];
        const real = out.map((v) => Number(v - BigInt(o.zeroPoint)) / 2 ** o.scale);
        if (argmax(real) === argmax(samples.logits[i])) agree++;
      }
      const rate = agree / samples.inputs.length;
      assert.ok(rate >= 0.99, `agreement ${rate}`);
    });

    it('circuit outputs equal the integer interpreter, and the proofs verify', async () => {
      const b = await fixtureBuild(f);
      for (const i of [0, 1, 2, 17]) {
        const r = await prover.prove(samples.inputs[i]);
        const q = quantizeInput(b.manifest, samples.inputs[i]);
        const expected = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
        assert.deepEqual(r.outputs[0].values, expected, `sample ${i}`);
        const v = await verify(b.paths.dir, r.proof, r.publicSignals);
        assert.equal(v.valid, true, `sample ${i} verifies`);
        assert.deepEqual(v.outputs![0].values, expected);
      }
    });

    it('a proof with one changed coordinate, or a changed public signal, fails', async () => {
      const b = await fixtureBuild(f);
      const r = await prover.prove(samples.inputs[3]);
      const proof = structuredClone(r.proof);
      proof.pi_a[0] = ((BigInt(proof.pi_a[0]) + 1n) % FIELD).toString();
      const t1 = await verify(b.paths.dir, proof, r.publicSignals).catch(() => ({ valid: false }));
      assert.equal(t1.valid, false, 'changed pi_a');
      const proof2 = structuredClone(r.proof);
      proof2.pi_c = r.proof.pi_a;
      const t2 = await verify(b.paths.dir, proof2, r.publicSignals).catch(() => ({ valid: false }));
      assert.equal(t2.valid, false, 'swapped pi_c');
      const signals = [...r.publicSignals];
      signals[0] = (BigInt(signals[0]) + 1n).toString(); // the first packed output changes by one unit
      const t3 = await verify(b.paths.dir, r.proof, signals);
      assert.equal(t3.valid, false, 'changed public signal');
      assert.equal((await verify(b.paths.dir, r.proof, r.publicSignals)).valid, true, 'the untampered proof still verifies');
    });
  });
}
