/**
 * circuits/poseidon_sponge.circom (PoseidonSponge) and circuits/commit_packed.circom
 * (CommitPacked) against the TypeScript scheme (src/prover/commitment/, circomlibjs): the same
 * values bit for bit, the exact constraint counts of the headers, and forged witnesses rejected.
 */
import assert from 'node:assert/strict';
import { commitmentLayout, computeCommitment } from '../../src/prover/commitment/commitment.ts';
import { packRuns } from '../../src/prover/commitment/pack.ts';
import { poseidonSponge } from '../../src/prover/commitment/sponge.ts';
import { spongeConstraints } from '../../src/compiler/privacy/cost.ts';
import { BN254_P } from '../helpers/r1cs.ts';
import { compileTestCircuit, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

const spongeMain = (N: number, RATE: number, DOMAIN: bigint): string =>
  `pragma circom 2.1.0;\ninclude "poseidon_sponge.circom";\ncomponent main {public [in]} = PoseidonSponge(${N}, ${RATE}, ${DOMAIN});\n`;

describe('circuits/poseidon_sponge.circom: PoseidonSponge = circomlibjs sponge', function () {
  this.timeout(300_000);
  for (const [N, RATE] of [[1, 1], [3, 3], [16, 16], [17, 16], [40, 16], [5, 2], [2, 4]]) {
    describe(`PoseidonSponge(${N}, ${RATE})`, () => {
      const DOMAIN = (3n << 64n) + BigInt(N);
      let c: TestCircuit;
      before(async () => {
        c = await compileTestCircuit(`PoseidonSponge(${N}, ${RATE})`, spongeMain(N, RATE, DOMAIN));
      });

      it('has exactly the constraints of its header formula', () => {
        assert.equal(c.nonLinearConstraints, spongeConstraints(N, RATE));
        assert.equal(c.constraints, c.nonLinearConstraints, 'no linear constraint left at --O2');
      });

      it('computes the circomlibjs sponge, for small, large and zero elements', async () => {
        const next = rng(N * 31 + RATE);
        const cases = [Array(N).fill(0n), Array(N).fill(BN254_P - 1n), Array.from({ length: N }, () => randomBigInt(next, 0n, BN254_P - 1n))];
        for (const x of cases) {
          const w = await c.calculateWitness({ in: x });
          assert.equal(c.get(w, 'out'), await poseidonSponge(x, RATE, DOMAIN));
          c.expectPass(w);
        }
      });

      it('rejects a forged output (out ± 1) and a forged intermediate', async () => {
        const x = Array.from({ length: N }, (_, i) => BigInt(i * 7 + 1));
        const w = await c.calculateWitness({ in: x });
        const out = c.get(w, 'out');
        c.expectFail(c.with(w, { out: out + 1n }), 'out + 1');
        c.expectFail(c.with(w, { out: out - 1n }), 'out − 1');
        const inner = c.witnessSignals().filter((s) => s.includes('sigma') && s.endsWith('.in2'));
        assert.ok(inner.length > 0);
        for (const s of [inner[0], inner[Math.floor(inner.length / 2)], inner[inner.length - 1]]) {
          c.expectFail(c.with(w, { [s]: c.get(w, s) + 1n }), s);
        }
      });
    });
  }
});

describe('circuits/commit_packed.circom: CommitPacked = computeCommitment', function () {
  this.timeout(300_000);
  const runs = [
    { name: 'a', count: 40, bits: 8, lo: '-128' },
    { name: 'b', count: 3, bits: 23, lo: '-4194304' },
    { name: 'c', count: 5, bits: 1, lo: '0' },
  ];
  const layout = commitmentLayout('weightsCommitment', runs);
  const N = 48;
  let c: TestCircuit;
  const arr = (xs: Array<number | string>): string => `[${xs.join(', ')}]`;
  const main = `pragma circom 2.1.0;
include "commit_packed.circom";
template T() {
    signal input salt;
    signal input in[${N}];
    signal output out;
    var ends[3] = ${arr([40, 43, 48])};
    var bits[3] = ${arr(runs.map((r) => r.bits))};
    var lo[3] = ${arr(runs.map((r) => r.lo))};
    component c = CommitPacked(${N}, 3, ends, bits, lo, ${layout.rate}, ${layout.domain});
    c.salt <== salt;
    c.in <== in;
    out <== c.out;
}
component main {public [in]} = T();
`;
  before(async () => {
    c = await compileTestCircuit('CommitPacked', main);
  });

  it('packs greedily (values never straddle elements) and costs only the sponge', () => {
    // 40 × 8 bits: 31 in the first element, 9 (72 bits) + 3 × 23 (69) + 5 × 1 in the second.
    assert.equal(layout.elements, 3);
    assert.equal(packRuns(Array(N).fill(0n).map((_, i) => (i < 40 ? -128n : i < 43 ? -4194304n : 0n)), runs).length, 2);
    assert.equal(c.nonLinearConstraints, spongeConstraints(layout.elements, layout.rate));
  });

  it('equals computeCommitment for random values and salts, bit for bit', async () => {
    const next = rng(5);
    for (let t = 0; t < 4; t++) {
      const values = [
        ...Array.from({ length: 40 }, () => randomBigInt(next, -128n, 127n)),
        ...Array.from({ length: 3 }, () => randomBigInt(next, -4194304n, 4194303n)),
        ...Array.from({ length: 5 }, () => randomBigInt(next, 0n, 1n)),
      ];
      const salt = t === 0 ? 0n : randomBigInt(next, 0n, BN254_P - 1n);
      const w = await c.calculateWitness({ salt, in: values.map((v) => (v < 0n ? v + BN254_P : v)) });
      assert.equal(c.get(w, 'out'), await computeCommitment(layout, values, salt));
      c.expectPass(w);
    }
  });

  it('one value or the salt changed gives another commitment; a forged output is rejected', async () => {
    const values = Array.from({ length: N }, (_, i) => (i < 40 ? BigInt(i - 20) : i < 43 ? 1000n * BigInt(i) : BigInt(i % 2)));
    const base = await computeCommitment(layout, values, 7n);
    const changed = [...values];
    changed[17] += 1n;
    assert.notEqual(await computeCommitment(layout, changed, 7n), base);
    assert.notEqual(await computeCommitment(layout, values, 8n), base);
    const w = await c.calculateWitness({ salt: 7n, in: values.map((v) => (v < 0n ? v + BN254_P : v)) });
    assert.equal(c.get(w, 'out'), base);
    c.expectFail(c.with(w, { out: base + 1n }));
  });

  it('the TypeScript packer refuses values outside their run (the circuit relies on range checks)', () => {
    const values = Array.from({ length: N }, () => 0n);
    values[0] = 128n;
    assert.throws(() => packRuns(values, runs), /outside \[-128, 127\]/);
  });
});
