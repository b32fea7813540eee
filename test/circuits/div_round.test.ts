/** DivRound(N, D): out = floor((in + floor(D/2)) / D) for in ∈ [0, 2^N). */
import assert from 'node:assert/strict';
import { mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

const pow2 = (e: number): bigint => 1n << BigInt(e);
const bitLength = (x: bigint): number => (x <= 0n ? 0 : x.toString(2).length);

interface Shape {
  N: number;
  D: number;
  h: bigint;
  Q: number;
  R: number;
  pow: boolean;
}

function shape(N: number, D: number): Shape {
  const h = BigInt(Math.floor(D / 2));
  const Q = bitLength((pow2(N) - 1n + h) / BigInt(D));
  const R = bitLength(BigInt(D - 1));
  return { N, D, h, Q, R, pow: D > 1 && (D & (D - 1)) === 0 };
}

/** The header formula. */
const expected = (s: Shape): number => (s.D === 1 ? 0 : s.pow ? s.Q + s.R : s.Q + 2 * s.R);
const divRoundRef = (x: bigint, D: number): bigint => (x + BigInt(Math.floor(D / 2))) / BigInt(D);

/** Every signal from the prover's choice of (q, r); bit decompositions are the low bits (wrapped if out of range). */
function assignment(s: Shape, x: bigint, q: bigint, r: bigint): Map<string, bigint> {
  const v = new Map<string, bigint>([['main.in', mod(x)]]);
  if (s.D === 1) return v.set('main.out', mod(x));
  v.set('main.q', mod(q)).set('main.r', mod(r)).set('main.out', mod(q));
  v.set('main.qRange.in', mod(q)).set('main.rRange.in', mod(r));
  bitsOf(mod(q), s.Q).forEach((b, i) => v.set(`main.qRange.bits[${i}]`, b));
  bitsOf(mod(r), s.R).forEach((b, i) => v.set(`main.rRange.bits[${i}]`, b));
  if (!s.pow) {
    const u = mod(BigInt(s.D) - 1n - r);
    v.set('main.rUpper.in', u);
    bitsOf(u, s.R).forEach((b, i) => v.set(`main.rUpper.bits[${i}]`, b));
  }
  return v;
}

const compile = (N: number, D: number, optimize: 1 | 2 = 2): Promise<TestCircuit> =>
  compileTestCircuit(`DivRound(${N}, ${D})`, { file: 'div_round.circom', template: 'DivRound', params: [N, D], publicInputs: ['in'] }, { optimize });

function inputs(N: number): bigint[] {
  const top = pow2(N) - 1n;
  if (N <= 8) return Array.from({ length: Number(top) + 1 }, (_, i) => BigInt(i));
  const next = rng(N);
  return [0n, 1n, top, top - 1n, ...Array.from({ length: 60 }, () => randomBigInt(next, 0n, top))];
}

describe('circuits/div_round.circom: DivRound', () => {
  for (const [N, D] of [[6, 3], [6, 5], [8, 9], [6, 4], [5, 1], [6, 2], [10, 7], [16, 25], [6, 64], [6, 100], [32, 49]]) {
    const s = shape(N, D);
    describe(`DivRound(${N}, ${D})`, () => {
      let c: TestCircuit;
      before(async () => {
        c = await compile(N, D);
      });

      it(`has exactly ${expected(s)} non-linear constraints (Q = ${s.Q}, R = ${s.R})`, () => {
        assert.equal(c.nonLinearConstraints, expected(s));
      });

      it('outputs floor((in + floor(D/2)) / D), ties rounding up', async () => {
        for (const x of inputs(N)) {
          const w = await c.calculateWitness({ in: x });
          assert.equal(c.get(w, 'out'), divRoundRef(x, D), `in = ${x}`);
          c.expectPass(w);
          if (D > 1) {
            const [q, r] = [(x + s.h) / BigInt(D), (x + s.h) % BigInt(D)];
            assert.deepEqual(c.assemble(assignment(s, x, q, r)), w, 'model of the witness');
          }
        }
      });

      if (D > 1) {
        it('rejects naive forgeries: q ± 1, r ± 1, each bit ± 1', async () => {
          for (const x of inputs(N).slice(0, 70)) {
            const w = await c.calculateWitness({ in: x });
            const hinted = c.witnessSignals().filter((n) => n !== 'main.in');
            assert.ok(hinted.length > 0);
            for (const name of hinted) for (const d of [1n, -1n]) c.expectFail(c.with(w, { [name]: c.get(w, name) + d }), `${name}, in = ${x}`);
          }
        });

        it('rejects cheating provers: the remainder one period off (q ∓ 1, r ± D), bits recomputed', async () => {
          let representable = 0;
          for (const optimize of [1, 2] as const) {
            const cc = optimize === 2 ? c : await compile(N, D, 1);
            for (const x of inputs(N).slice(0, 130)) {
              const w = await cc.calculateWitness({ in: x });
              const [q, r] = [(x + s.h) / BigInt(D), (x + s.h) % BigInt(D)];
              for (const [q2, r2] of [[q - 1n, r + BigInt(D)], [q + 1n, r - BigInt(D)], [q - 2n, r + 2n * BigInt(D)]]) {
                if (cc.expectRejected(assignment(s, x, q2, r2), w, `--O${optimize}: q = ${q2}, r = ${r2}, in = ${x}`)) representable++;
              }
            }
          }
          assert.ok(representable > 0);
        });
      }

      if (D > 1 && s.Q + s.R <= 9) {
        it('exhaustive: every (q, r) with in-range bit decompositions — only the Euclidean division passes', async () => {
          for (const optimize of [1, 2] as const) {
            const cc = optimize === 2 ? c : await compile(N, D, 1);
            for (const x of inputs(N)) {
              const w = await cc.calculateWitness({ in: x });
              let accepted = 0;
              for (let q = 0n; q < pow2(s.Q); q++) {
                for (let r = 0n; r < pow2(s.R); r++) {
                  const values = assignment(s, x, q, r);
                  if (!cc.check(cc.assemble(values)).ok) continue;
                  accepted++;
                  assert.equal(q, divRoundRef(x, D), `--O${optimize}: in = ${x}, accepted q = ${q}, r = ${r}`);
                  assert.deepEqual(cc.assemble(values), w);
                }
              }
              assert.ok(accepted >= 1, `--O${optimize}: in = ${x}`); // every accepted one equals w (above)
            }
          }
        });
      }
    });
  }
});
