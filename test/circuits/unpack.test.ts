/** Unpack(COUNT, BITS) and Pack(COUNT, BITS): packed public field elements. */
import assert from 'node:assert/strict';
import { BN254_P, mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

const pow2 = (e: number): bigint => 1n << BigInt(e);
const pack = (vals: bigint[], BITS: number): bigint => vals.reduce((acc, v, j) => acc + (v << BigInt(BITS * j)), 0n);

function unpackAssignment(COUNT: number, BITS: number, x: bigint, bits: bigint[]): Map<string, bigint> {
  const v = new Map<string, bigint>([['main.in', mod(x)], ['main.bits.in', mod(x)]]);
  bits.forEach((b, i) => v.set(`main.bits.bits[${i}]`, mod(b)));
  for (let j = 0; j < COUNT; j++) {
    let o = 0n;
    for (let i = 0; i < BITS; i++) o += bits[BITS * j + i] * pow2(i);
    v.set(`main.out[${j}]`, mod(o));
  }
  return v;
}

const compileUnpack = (COUNT: number, BITS: number, optimize: 1 | 2 = 2): Promise<TestCircuit> =>
  compileTestCircuit(`Unpack(${COUNT}, ${BITS})`, { file: 'unpack.circom', template: 'Unpack', params: [COUNT, BITS], publicInputs: ['in'] }, { optimize });

describe('circuits/unpack.circom: Unpack', () => {
  for (const [COUNT, BITS] of [[3, 4], [4, 8], [1, 252], [2, 126], [31, 8], [5, 1]]) {
    const n = COUNT * BITS;
    describe(`Unpack(${COUNT}, ${BITS})`, () => {
      let c: TestCircuit;
      before(async () => {
        c = await compileUnpack(COUNT, BITS);
      });

      it(`has exactly COUNT·BITS = ${n} non-linear constraints`, () => {
        assert.equal(c.nonLinearConstraints, n);
      });

      it('returns element j from bit position BITS·j', async () => {
        const next = rng(n);
        const cases: bigint[][] = [Array(COUNT).fill(0n), Array(COUNT).fill(pow2(BITS) - 1n)];
        for (let t = 0; t < 20; t++) cases.push(Array.from({ length: COUNT }, () => randomBigInt(next, 0n, pow2(BITS) - 1n)));
        for (const vals of cases) {
          const w = await c.calculateWitness({ in: pack(vals, BITS) });
          vals.forEach((v, j) => assert.equal(c.get(w, `out[${j}]`), v));
          c.expectPass(w);
        }
      });

      it('rejects packed values ≥ 2^(COUNT·BITS) and negative ones', async () => {
        for (const x of [pow2(n), pow2(n) + 5n, -1n, BN254_P - pow2(n)]) {
          await assert.rejects(c.calculateWitness({ in: x }), /Assert Failed/);
          c.expectFail(c.assemble(unpackAssignment(COUNT, BITS, x, bitsOf(mod(x), n))));
        }
      });

      it('rejects forgeries: bits ±1, outputs ±1, and a carry moved between elements (same packed sum)', async () => {
        const next = rng(3 * n);
        for (let t = 0; t < 6; t++) {
          const vals = Array.from({ length: COUNT }, () => randomBigInt(next, 0n, pow2(BITS) - 1n));
          const x = pack(vals, BITS);
          const w = await c.calculateWitness({ in: x });
          for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 24))) {
            const name = `bits.bits[${i}]`;
            if (c.inWitness(name)) for (const d of [1n, -1n]) c.expectFail(c.with(w, { [name]: c.get(w, name) + d }));
          }
          for (let j = 0; j < COUNT; j++) for (const d of [1n, -1n]) c.expectFail(c.with(w, { [`out[${j}]`]: c.get(w, `out[${j}]`) + d }), `out[${j}] ± 1`);
          for (let j = 0; j + 1 < COUNT; j++) {
            // out[j] + 2^BITS, out[j+1] − 1: the packed value is unchanged, bits are not bits
            const bits = bitsOf(x, n);
            bits[BITS * j] += pow2(BITS);
            bits[BITS * (j + 1)] -= 1n;
            const forged = unpackAssignment(COUNT, BITS, x, bits);
            assert.notEqual(forged.get(`main.out[${j}]`), vals[j]);
            c.expectFail(c.assemble(forged), `carry ${j} → ${j + 1}`);
          }
        }
      });
    });
  }

  it('exhaustive (3 × 2 bits): every packed value and bit pattern — only the true digits pass', async () => {
    for (const optimize of [1, 2] as const) {
      const c = await compileUnpack(3, 2, optimize);
      for (let x = -1n; x < 66n; x++) {
        let accepted = 0;
        for (let pattern = 0n; pattern < 64n; pattern++) {
          if (!c.check(c.assemble(unpackAssignment(3, 2, x, bitsOf(pattern, 6)))).ok) continue;
          accepted++;
          assert.ok(x >= 0n && x < 64n, `--O${optimize}: accepted in = ${x}`);
          assert.deepEqual(c.assemble(unpackAssignment(3, 2, x, bitsOf(pattern, 6))), c.assemble(unpackAssignment(3, 2, x, bitsOf(x, 6))));
        }
        if (x >= 0n && x < 64n) assert.ok(accepted >= 1, `--O${optimize}: in = ${x}`);
      }
    }
  });
});

describe('circuits/pack.circom: Pack', () => {
  for (const [COUNT, BITS] of [[3, 4], [8, 31], [1, 252]]) {
    it(`Pack(${COUNT}, ${BITS}): out = Σ in[j]·2^(BITS·j), 0 non-linear constraints, a wrong out fails`, async () => {
      const c = await compileTestCircuit(`Pack(${COUNT}, ${BITS})`, { file: 'pack.circom', template: 'Pack', params: [COUNT, BITS], publicInputs: ['in'] });
      assert.equal(c.nonLinearConstraints, 0);
      const next = rng(COUNT * BITS);
      for (let t = 0; t < 10; t++) {
        const vals = Array.from({ length: COUNT }, () => randomBigInt(next, 0n, pow2(BITS) - 1n));
        const w = await c.calculateWitness({ in: vals });
        assert.equal(c.get(w, 'out'), pack(vals, BITS));
        c.expectPass(w);
        for (const d of [1n, -1n, pow2(BITS)]) c.expectFail(c.with(w, { out: c.get(w, 'out') + d }));
      }
    });
  }
});
