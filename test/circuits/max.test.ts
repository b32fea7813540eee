/** Max2(B): out = max(a, b) for a, b ∈ [0, 2^B), B + 2 constraints, unique witness. */
import assert from 'node:assert/strict';
import { mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

const pow2 = (e: number): bigint => 1n << BigInt(e);

/** Every signal as a prover computes it from chosen bits (the template's <== equations). */
function assignment(B: number, a: bigint, b: bigint, bits: bigint[]): Map<string, bigint> {
  const v = new Map<string, bigint>([
    ['main.a', mod(a)],
    ['main.b', mod(b)],
    ['main.d.in', mod(a - b + pow2(B))],
  ]);
  bits.forEach((x, i) => v.set(`main.d.bits[${i}]`, mod(x)));
  v.set('main.out', mod(b + bits[B] * (a - b)));
  return v;
}

const compile = (B: number, optimize: 1 | 2 = 2): Promise<TestCircuit> =>
  compileTestCircuit(`Max2(${B})`, { file: 'max.circom', template: 'Max2', params: [B], publicInputs: ['a', 'b'] }, { optimize });

function pairs(B: number): Array<[bigint, bigint]> {
  const top = pow2(B) - 1n;
  if (B <= 4) {
    const all: Array<[bigint, bigint]> = [];
    for (let a = 0n; a <= top; a++) for (let b = 0n; b <= top; b++) all.push([a, b]);
    return all;
  }
  const next = rng(B);
  const out: Array<[bigint, bigint]> = [
    [0n, 0n], [top, top], [0n, top], [top, 0n], [5n, 5n], [top - 1n, top], [top, top - 1n], [1n, 0n], [0n, 1n],
  ];
  for (let i = 0; i < 30; i++) {
    const a = randomBigInt(next, 0n, top);
    out.push([a, randomBigInt(next, 0n, top)], [a, a], [a, a === top ? a - 1n : a + 1n]);
  }
  return out;
}

describe('circuits/max.circom: Max2', () => {
  for (const B of [1, 4, 8, 32, 251]) {
    describe(`Max2(${B})`, () => {
      let c: TestCircuit;
      before(async () => {
        c = await compile(B);
      });

      it(`has exactly B + 2 = ${B + 2} non-linear constraints`, () => {
        assert.equal(c.nonLinearConstraints, B + 2);
      });

      it('outputs max(a, b) (ties, extremes, random)', async () => {
        for (const [a, b] of pairs(B)) {
          const w = await c.calculateWitness({ a, b });
          assert.equal(c.get(w, 'out'), a > b ? a : b, `a = ${a}, b = ${b}`);
          c.expectPass(w);
          assert.deepEqual(c.assemble(assignment(B, a, b, bitsOf(a - b + pow2(B), B + 1))), w, 'model of the witness');
        }
      });

      it('rejects naive forgeries (each bit ±1, out ±1) and a flipped comparison bit', async () => {
        for (const [a, b] of pairs(B).slice(0, 40)) {
          const w = await c.calculateWitness({ a, b });
          for (let i = 0; i <= B; i++) {
            if (!c.inWitness(`d.bits[${i}]`)) continue;
            for (const d of [1n, -1n]) c.expectFail(c.with(w, { [`d.bits[${i}]`]: c.get(w, `d.bits[${i}]`) + d }), `bit ${i}, a = ${a}, b = ${b}`);
          }
          for (const d of [1n, -1n]) c.expectFail(c.with(w, { out: c.get(w, 'out') + d }));
          // cheating prover: claim the other input is the max (flip bit B, keep the sum with bit 0)
          const bits = bitsOf(a - b + pow2(B), B + 1);
          const s = bits[B];
          bits[B] = 1n - s;
          bits[0] += (s - bits[B]) * pow2(B);
          const forged = assignment(B, a, b, bits);
          if (a !== b) assert.notEqual(forged.get('main.out'), mod(a > b ? a : b));
          c.expectFail(c.assemble(forged), `flipped comparison, a = ${a}, b = ${b}`);
        }
      });

      it('has no witness when an input is out of range', async () => {
        for (const [a, b] of [[pow2(B), 0n], [pow2(B + 1), pow2(B) - 1n], [0n, pow2(B) + 1n]] as Array<[bigint, bigint]>) {
          await assert.rejects(c.calculateWitness({ a, b }), /Assert Failed/);
          c.expectFail(c.assemble(assignment(B, a, b, bitsOf(mod(a - b + pow2(B)), B + 1))));
        }
      });
    });
  }

  it('exhaustive (B = 3): for every a, b and every bit pattern only the honest witness passes', async () => {
    for (const optimize of [1, 2] as const) {
      const c = await compile(3, optimize);
      for (let a = 0n; a < 8n; a++) {
        for (let b = 0n; b < 8n; b++) {
          const w = await c.calculateWitness({ a, b });
          let accepted = 0;
          for (let pattern = 0n; pattern < 16n; pattern++) {
            const values = assignment(3, a, b, bitsOf(pattern, 4));
            if (!c.check(c.assemble(values)).ok) continue;
            accepted++;
            assert.deepEqual(c.assemble(values), w, `--O${optimize}: other witness for a = ${a}, b = ${b}`);
            assert.equal(values.get('main.out'), a > b ? a : b);
          }
          assert.ok(accepted >= 1, `--O${optimize}: honest witness missing`); // all accepted ones equal w (above)
        }
      }
    }
  });
});
