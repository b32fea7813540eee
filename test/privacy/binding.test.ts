/**
 * Issue 5, acceptance 2: a commitment binds what it commits to. Changing one input element
 * (hashed input) or one weight (committed weights) changes the commitment `zkinfer commit`
 * computes, and the old proof does not verify against the new commitment; the same circuit
 * (same zkey) proves the changed weights, whose proof carries the new commitment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { applyWeights } from '../../src/compiler/privacy/weights.ts';
import { commitInput, commitOutput, commitWeights } from '../../src/prover/commitment/buildCommitments.ts';
import { readWeightsFile, weightsFileOf, type WeightsFile } from '../../src/prover/commitment/weightsFile.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { verify } from '../../src/prover/verify.ts';
import { fixtureDir, prebuildMlp, privacyBuild } from './builds.ts';

const MLP = 'digits-mlp';
const x = JSON.parse(readFileSync(`${fixtureDir(MLP)}/input.json`, 'utf8')) as number[][];
const salts = { input: 0x1234567890abcdefn, output: 0xfedcba0987654321n };

/** The public signals with signal `i` replaced. */
const withSignal = (s: string[], i: number, v: bigint): string[] => s.map((y, k) => (k === i ? v.toString() : y));

describe('commitments bind: one input element or one weight changed', function () {
  this.timeout(900_000);
  before(async function () {
    this.timeout(1_800_000);
    await prebuildMlp(); // cold: every mode's setup, two at a time (shared with the other privacy tests)
  });

  it('hashed input: another commitment, and the old proof fails against it; the new input proves it', async () => {
    const b = await privacyBuild(MLP, { input: 'hashed', output: 'hashed', weights: 'constant' });
    const m = b.manifest;
    const x2 = structuredClone(x);
    x2[0][36] = x[0][36] > 0.5 ? 0 : 1; // a central pixel flipped (a corner pixel may not move the logits)
    assert.notDeepEqual(quantizeInput(m, x2), quantizeInput(m, x));
    const c1 = await commitInput(m, x, salts.input);
    const c2 = await commitInput(m, x2, salts.input);
    assert.notEqual(c2.value, c1.value, 'one input element changes the input commitment');
    assert.notEqual((await commitInput(m, x, salts.input + 1n)).value, c1.value, 'so does the salt');

    const prover = await Prover.load(b.paths.dir);
    try {
      const r1 = await prover.prove(x, { salts });
      assert.equal(r1.publicSignals[c1.signal], c1.value.toString(), 'commit = the proof\'s public signal');
      assert.equal((await verify(b.paths.dir, r1.proof, r1.publicSignals)).valid, true);
      assert.equal((await verify(b.paths.dir, r1.proof, withSignal(r1.publicSignals, c1.signal, c2.value))).valid, false, 'old proof vs new commitment');
      const r2 = await prover.prove(x2, { salts });
      assert.equal(r2.publicSignals[c2.signal], c2.value.toString());
      assert.equal((await verify(b.paths.dir, r2.proof, r2.publicSignals)).valid, true);
      // The output commitment follows the outputs (the changed pixel changes the logits).
      const o1 = await commitOutput(b.paths.dir, m, x, salts.output);
      const o2 = await commitOutput(b.paths.dir, m, x2, salts.output);
      assert.equal(r1.publicSignals[o1.signal], o1.value.toString());
      assert.equal(r2.publicSignals[o2.signal], o2.value.toString());
      assert.notEqual(o1.value, o2.value);
    } finally {
      await prover.close();
    }
  });

  it('committed weights: one weight changed → another commitment; the same circuit proves the new weights; the old proof fails against the new commitment', async () => {
    const b = await privacyBuild(MLP, { input: 'private', output: 'public', weights: 'committed' });
    const m = b.manifest;
    const w1 = await readWeightsFile(weightsFileOf(b.paths.dir), m);
    const values = [...w1.values];
    const k = values.findIndex((v) => v > -100n && v < 100n && v !== 0n);
    values[k] += 1n;
    const w2: WeightsFile = { values, salt: w1.salt };
    const c1 = await commitWeights(m, w1);
    const c2 = await commitWeights(m, w2);
    assert.notEqual(c2.value, c1.value, 'one weight changes the weights commitment');
    assert.notEqual((await commitWeights(m, { ...w1, salt: w1.salt + 1n })).value, c1.value, 'so does the salt');

    const prover = await Prover.load(b.paths.dir);
    try {
      const r1 = await prover.prove(x);
      assert.equal(r1.publicSignals[c1.signal], c1.value.toString(), 'commit --weights = the proof\'s public signal');
      assert.equal((await verify(b.paths.dir, r1.proof, r1.publicSignals)).valid, true);
      assert.equal((await verify(b.paths.dir, r1.proof, withSignal(r1.publicSignals, c1.signal, c2.value))).valid, false, 'old proof vs new commitment');

      const r2 = await prover.prove(x, { weights: w2 });
      assert.equal(r2.publicSignals[c2.signal], c2.value.toString(), 'the new weights\' proof carries their commitment');
      assert.equal((await verify(b.paths.dir, r2.proof, r2.publicSignals)).valid, true, 'one circuit serves other weights of the architecture');
      const q = quantizeInput(m, x);
      const expected = interpretOutputs(applyWeights(b.intGraph, m.weights!, values), { [b.intGraph.inputs[0]]: q[0] })[0];
      assert.deepEqual(r2.outputs[0].values, expected, 'its outputs are those of the new weights');
    } finally {
      await prover.close();
    }
  });
});
