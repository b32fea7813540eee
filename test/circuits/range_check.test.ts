/** RangeCheck(n): in ∈ [0, 2^n), n booleanity constraints, unique bits. */
import assert from 'node:assert/strict';
import { BN254_P, mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

const pow2 = (e: number): bigint => 1n << BigInt(e);

function assignment(n: number, x: bigint, bits: bigint[]): Map<string, bigint> {
  const v = new Map<string, bigint>([['main.in', mod(x)]]);
  bits.forEach((b, i) => v.set(`main.bits[${i}]`, mod(b)));
  return v;
}

const compile = (n: number, optimize: 1 | 2 = 2, publicIn = true): Promise<TestCircuit> =>
  compileTestCircuit(`RangeCheck(${n})`, { file: 'range_check.circom', template: 'RangeCheck', params: [n], publicInputs: publicIn ? ['in'] : [] }, { optimize });

describe('circuits/range_check.circom: RangeCheck', () => {
  for (const n of [1, 4, 8, 64, 252]) {
    describe(`RangeCheck(${n})`, () => {
      let c: TestCircuit;
      before(async () => {
        c = await compile(n);
      });

      it(`has exactly ${n} non-linear constraints`, () => {
        assert.equal(c.nonLinearConstraints, n);
      });

      it('accepts [0, 2^n) with the binary digits as bits', async () => {
        const next = rng(n);
        const xs = [0n, 1n, pow2(n) - 1n, pow2(n) - 2n, pow2(n - 1), ...Array.from({ length: 20 }, () => randomBigInt(next, 0n, pow2(n) - 1n))];
        for (const x of xs) {
          const w = await c.calculateWitness({ in: x });
          c.expectPass(w, `in = ${x}`);
          bitsOf(x, n).forEach((b, i) => assert.equal(c.get(w, `bits[${i}]`), b));
        }
      });

      it('rejects 2^n, 2^n + small, −1 and p − 2^n (the witness generator refuses, forged bits fail)', async () => {
        for (const x of [pow2(n), pow2(n) + 1n, pow2(n + 1) - 1n, -1n, -pow2(n), BN254_P - pow2(n)]) {
          await assert.rejects(c.calculateWitness({ in: x }), /Assert Failed/, `in = ${x}`);
          c.expectFail(c.assemble(assignment(n, x, bitsOf(mod(x), n))), `low bits of ${x}`);
          c.expectFail(c.assemble(assignment(n, x, bitsOf(mod(x) % pow2(n), n).map((b, i) => (i === 0 ? b + (mod(x) - (mod(x) % pow2(n))) : b)))), `bit 0 absorbing the excess, in = ${x}`);
        }
      });

      it('rejects naive and consistent forgeries of the bits', async () => {
        const next = rng(7 * n);
        for (let trial = 0; trial < 8; trial++) {
          const x = randomBigInt(next, 0n, pow2(n) - 1n);
          const w = await c.calculateWitness({ in: x });
          for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 16))) {
            for (const d of [1n, -1n]) c.expectFail(c.with(w, { [`bits[${i}]`]: c.get(w, `bits[${i}]`) + d }), `bits[${i}] ± 1`);
            if (i + 1 < n) {
              // same sum, not bits: bits[i] + 2, bits[i+1] − 1
              const b = bitsOf(x, n);
              b[i] += 2n;
              b[i + 1] -= 1n;
              c.expectFail(c.assemble(assignment(n, x, b)), `carry forgery at ${i}`);
            }
          }
        }
      });
    });
  }

  it('exhaustive (n = 4): for every in ∈ [−2, 20) and every bit pattern, only the binary digits of an in < 16 pass', async () => {
    for (const optimize of [1, 2] as const) {
      const c = await compile(4, optimize);
      for (let x = -2n; x < 20n; x++) {
        let accepted = 0;
        for (let pattern = 0n; pattern < 16n; pattern++) {
          const w = c.assemble(assignment(4, x, bitsOf(pattern, 4)));
          if (!c.check(w).ok) continue;
          accepted++;
          assert.ok(x >= 0n && x < 16n, `--O${optimize}: accepted bits ${pattern} for in = ${x}`);
          assert.deepEqual(w, c.assemble(assignment(4, x, bitsOf(x, 4))), `--O${optimize}: accepted bits ${pattern} for in = ${x}`);
        }
        if (x >= 0n && x < 16n) assert.ok(accepted >= 1, `--O${optimize}, in = ${x}`);
      }
    }
  });

  it('a private input is simplified away at --O2 (the statement becomes "∃ bits"), at the same cost', async () => {
    const c = await compile(8, 2, false);
    assert.equal(c.signalIndex('in'), -1);
    assert.equal(c.nonLinearConstraints, 8);
    const w = await c.calculateWitness({ in: 200 });
    c.expectPass(w);
  });
});
