/**
 * Rescale(A, k, B, RELU) against IntRescale's semantics (src/compiler/integer/ir.ts):
 * outputs, exact constraint counts, and forged witnesses (naive and cheating-prover).
 */
import assert from 'node:assert/strict';
import { mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, floorDiv, invMod, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

interface Params {
  A: number;
  k: number;
  B: number;
  relu: 0 | 1;
}

const pow2 = (e: number): bigint => 1n << BigInt(e);
const half = (k: number): bigint => (k > 0 ? pow2(k - 1) : 0n);
const clamp = (x: bigint, lo: bigint, hi: bigint): bigint => (x < lo ? lo : x > hi ? hi : x);

/** IntRescale, exactly as the integer IR defines it. */
function rescaleRef(x: bigint, { k, B, relu }: Params): bigint {
  const q = k === 0 ? x : floorDiv(x + pow2(k - 1), pow2(k));
  return relu ? clamp(q, 0n, pow2(B) - 1n) : clamp(q, -pow2(B - 1), pow2(B - 1) - 1n) + pow2(B - 1);
}

/** Admissible inputs: −2^(A−1) ≤ x + h < 2^(A−1). */
function admissible({ A, k }: Params): [bigint, bigint] {
  return [-pow2(A - 1) - half(k), pow2(A - 1) - half(k) - 1n];
}

/** The header formula: exact non-linear constraints at --O2. */
function expectedConstraints({ A, k, B, relu }: Params): number {
  const M = A - 1 - k;
  if (relu) return M <= 0 ? 0 : M <= B ? A + 1 : A + 3;
  return M <= B - 1 || B === 1 ? A : A + 3;
}

/**
 * Every signal of the template as a prover computes it from its hints (bits, inv), following
 * the template's `<==` equations; the honest hints reproduce circom's witness.
 */
function assignment(pr: Params, x: bigint, bits: bigint[], inv: bigint): { values: Map<string, bigint>; arg?: bigint } {
  const { A, k, B, relu } = pr;
  const M = A - 1 - k;
  const v = new Map<string, bigint>();
  v.set('main.in', mod(x));
  if (relu && M <= 0) {
    v.set('main.out', 0n);
    return { values: v };
  }
  v.set('main.t.in', mod(x + half(k) + pow2(A - 1)));
  bits.forEach((b, i) => v.set(`main.t.bits[${i}]`, mod(b)));
  const s = bits[A - 1];
  const sum = (from: number, to: number): bigint => {
    let acc = 0n;
    for (let i = from; i < to; i++) acc += bits[i] * pow2(i - from);
    return acc;
  };
  let out: bigint;
  let arg: bigint | undefined;
  if (relu && M <= B) {
    out = s * sum(k, A - 1);
  } else if (relu) {
    const lo = sum(k, k + B);
    const hi = sum(k + B, A - 1);
    arg = 1n - s + hi;
    const z = mod(1n - arg * inv);
    const w = mod(z * (lo - (pow2(B) - 1n)));
    v.set('main.inv', mod(inv)).set('main.z', z).set('main.w', w);
    out = s * (pow2(B) - 1n) + w;
  } else if (M <= B - 1) {
    const q = M > 0 ? sum(k, A - 1) - pow2(M) * (1n - s) : s - 1n;
    out = q + pow2(B - 1);
  } else if (B === 1) {
    out = s;
  } else {
    const n = M - B + 1;
    const lo = sum(k, k + B - 1);
    const hi = sum(k + B - 1, A - 1);
    arg = hi + (pow2(n) - 1n) * (s - 1n);
    const z = mod(1n - arg * inv);
    const w = mod(z * (lo - (pow2(B - 1) - 1n) * s));
    v.set('main.inv', mod(inv)).set('main.z', z).set('main.w', w);
    out = s * (pow2(B) - 1n) + w;
  }
  v.set('main.out', mod(out));
  return { values: v, arg: arg === undefined ? undefined : mod(arg) };
}

function honest(pr: Params, x: bigint): { bits: bigint[]; inv: bigint; values: Map<string, bigint>; arg?: bigint } {
  const t = x + half(pr.k) + pow2(pr.A - 1);
  const bits = bitsOf(t, pr.A);
  const probe = assignment(pr, x, bits, 0n);
  const inv = probe.arg === undefined ? 0n : invMod(probe.arg);
  return { bits, inv, ...assignment(pr, x, bits, inv) };
}

/** Boundary, tie, clamp and sign inputs (admissible only), plus pseudo-random ones. */
function sampleInputs(pr: Params, randomCount = 40): bigint[] {
  const [lo, hi] = admissible(pr);
  if (hi - lo < 600n) {
    const all: bigint[] = [];
    for (let x = lo; x <= hi; x++) all.push(x);
    return all;
  }
  const { k, B } = pr;
  const set = new Set<bigint>([lo, lo + 1n, hi, hi - 1n, 0n, 1n, -1n, 2n, -2n]);
  const qs = [0n, 1n, -1n, pow2(B - 1) - 1n, pow2(B - 1), -pow2(B - 1), -pow2(B - 1) - 1n, pow2(B) - 1n, pow2(B), pow2(B) + 1n];
  for (const q of qs) {
    const tie = q * pow2(k) - half(k); // (x + h) / 2^k exactly q: the round-half-up tie
    for (const d of [-1n, 0n, 1n, pow2(k) - 1n]) set.add(tie + d);
  }
  const next = rng(pr.A * 1000 + pr.k * 10 + pr.B + pr.relu);
  for (let i = 0; i < randomCount; i++) set.add(randomBigInt(next, lo, hi));
  // small magnitudes matter most in practice
  for (let i = 0; i < randomCount / 2; i++) set.add(randomBigInt(next, -pow2(k + B + 1), pow2(k + B + 1)));
  return [...set].filter((x) => x >= lo && x <= hi).sort((a, b) => (a < b ? -1 : 1));
}

const paramSets: Params[] = [
  { A: 8, k: 3, B: 4, relu: 1 }, // 1 ≤ M = 4 ≤ B: no clamp, s·m
  { A: 9, k: 3, B: 3, relu: 1 }, // M = 5 > B: clamp
  { A: 8, k: 3, B: 5, relu: 0 }, // M = 4 ≤ B − 1: linear
  { A: 9, k: 3, B: 4, relu: 0 }, // M = 5 ≥ B: clamp
  { A: 6, k: 0, B: 3, relu: 0 }, // k = 0
  { A: 6, k: 0, B: 3, relu: 1 }, // k = 0
  { A: 7, k: 2, B: 1, relu: 0 }, // B = 1 signed: out = [q ≥ 0]
  { A: 4, k: 4, B: 3, relu: 1 }, // A ≤ k: out = 0, no constraint
  { A: 4, k: 4, B: 3, relu: 0 }, // A ≤ k: q ∈ {−1, 0}
  { A: 5, k: 4, B: 2, relu: 1 }, // M = 0
  { A: 5, k: 4, B: 2, relu: 0 }, // M = 0
  { A: 6, k: 2, B: 2, relu: 1 }, // small, clamp branch (exhaustive forgery)
  { A: 6, k: 2, B: 2, relu: 0 }, // small, clamp branch (exhaustive forgery)
  { A: 20, k: 8, B: 12, relu: 1 }, // M = 11 ≤ B
  { A: 40, k: 16, B: 8, relu: 1 },
  { A: 40, k: 16, B: 8, relu: 0 },
  { A: 252, k: 100, B: 16, relu: 1 }, // widest accumulator allowed
  { A: 252, k: 100, B: 16, relu: 0 },
  { A: 252, k: 0, B: 252, relu: 0 }, // no shift, no clamp possible
];

const label = (p: Params): string => `Rescale(${p.A}, ${p.k}, ${p.B}, ${p.relu})`;

function compile(p: Params, optimize: 1 | 2 = 2): Promise<TestCircuit> {
  // `in` public keeps it a witness wire, so inputs outside the precondition can be expressed.
  return compileTestCircuit(label(p), { file: 'rescale.circom', template: 'Rescale', params: [p.A, p.k, p.B, p.relu], publicInputs: ['in'] }, { optimize });
}

describe('circuits/rescale.circom: Rescale', function () {
  for (const pr of paramSets) {
    describe(label(pr), () => {
      let c: TestCircuit;
      before(async () => {
        c = await compile(pr);
      });

      it(`has exactly ${expectedConstraints(pr)} non-linear constraints at --O2`, () => {
        assert.equal(c.nonLinearConstraints, expectedConstraints(pr));
        assert.ok(c.nonLinearConstraints <= pr.A + 4, 'issue acceptance: ≤ A + 4 per element');
      });

      it('outputs IntRescale exactly (boundaries, ties, clamps, negatives)', async () => {
        const inputs = sampleInputs(pr);
        assert.ok(inputs.length > 5);
        for (const x of inputs) {
          const w = await c.calculateWitness({ in: x });
          const want = rescaleRef(x, pr);
          assert.equal(c.get(w, 'out'), want, `in = ${x}`);
          assert.ok(want >= 0n && want < pow2(pr.B));
          c.expectPass(w, `honest witness, in = ${x}`);
          // The prover model reproduces circom's witness wire for wire.
          assert.deepEqual(c.assemble(honest(pr, x).values), w, `model of the witness, in = ${x}`);
        }
      });

      it('has no witness just outside the precondition (never wraps silently)', async function () {
        if (pr.relu === 1 && pr.A - 1 - pr.k <= 0) this.skip(); // out = 0 for every admissible in: no constraint
        const [lo, hi] = admissible(pr);
        for (const x of [lo - 1n, hi + 1n, lo - pow2(pr.A), hi + pow2(pr.A)]) {
          // circom's witness generator checks every === and refuses ...
          await assert.rejects(c.calculateWitness({ in: x }), /Assert Failed/, `in = ${x}`);
          // ... and a prover who takes t's low A bits anyway (t wrapped mod 2^A) is rejected.
          const t = mod(x + half(pr.k) + pow2(pr.A - 1));
          const bits = bitsOf(t, pr.A);
          const probe = assignment(pr, x, bits, 0n);
          const forged = assignment(pr, x, bits, probe.arg === undefined ? 0n : invMod(probe.arg)).values;
          c.expectFail(c.assemble(forged), `in = ${x}`);
        }
      });

      it('rejects naive forgeries: each hinted signal ±1, and the output ±1', async function () {
        if (pr.relu === 1 && pr.A - 1 - pr.k <= 0) this.skip(); // no hinted signal at all
        const limit = pr.A > 64 ? 8 : 40; // every bit of a 252-bit decomposition is tweaked: fewer inputs
        const xs = sampleInputs(pr, 6).filter((_, i, a) => a.length < limit || i % Math.ceil(a.length / limit) === 0);
        let tried = 0;
        for (const x of xs) {
          const w = await c.calculateWitness({ in: x });
          const h = honest(pr, x);
          const hinted = [...Array(pr.A).keys()].map((i) => `t.bits[${i}]`).concat(h.arg === undefined ? [] : ['inv']);
          for (const name of [...hinted, 'out', 'z', 'w']) {
            if (!c.inWitness(name)) continue;
            for (const d of [1n, -1n]) {
              const forged = c.with(w, { [name]: c.get(w, name) + d });
              if (name === 'inv' && h.arg === 0n) {
                // IsZero's inverse is free when its argument is 0; z, out stay pinned.
                c.expectPass(forged, `inv is free when the IsZero argument is 0 (in = ${x})`);
                continue;
              }
              c.expectFail(forged, `${name} ${d > 0 ? '+' : '−'}1, in = ${x}`);
              tried++;
            }
          }
        }
        assert.ok(tried > 0);
      });

      it('rejects cheating provers: quotient one off, remainder one period off, sign flipped, IsZero flipped', async function () {
        if (pr.relu === 1 && pr.A - 1 - pr.k <= 0) this.skip();
        for (const optimize of [1, 2] as const) {
          const cc = optimize === 2 ? c : await compile(pr, 1);
          let rejected = 0;
          const all = sampleInputs(pr, 10);
          const stride = Math.max(1, Math.ceil(all.length / (pr.A > 64 ? 20 : 60)));
          const xs = all.filter((_, i) => i % stride === 0 || i === all.length - 1);
          for (const x of xs) {
            const w = await cc.calculateWitness({ in: x });
            const h = honest(pr, x);
            const t = x + half(pr.k) + pow2(pr.A - 1);
            const forgeries: Array<[string, bigint[], bigint | undefined]> = [];
            for (const d of [1n, -1n]) {
              const t2 = t + d * pow2(pr.k); // q + d
              if (t2 >= 0n && t2 < pow2(pr.A)) {
                const b2 = bitsOf(t2, pr.A);
                forgeries.push([`bits of q${d > 0 ? '+' : '−'}1 (sum off by 2^k)`, b2, undefined]);
                const b3 = [...b2];
                b3[0] -= d * pow2(pr.k); // sums to t again, but bit 0 is not a bit
                forgeries.push([`q${d > 0 ? '+' : '−'}1 with the remainder one period off`, b3, undefined]);
              }
            }
            const flipped = [...h.bits];
            flipped[pr.A - 1] = 1n - flipped[pr.A - 1];
            flipped[0] += (h.bits[pr.A - 1] - flipped[pr.A - 1]) * pow2(pr.A - 1); // same sum, other sign
            forgeries.push(['sign flipped, compensated in bit 0', flipped, undefined]);
            if (h.arg !== undefined) {
              // IsZero lies: claim z = 1 when the argument is not 0 (inv = 0), or z = 0 when it is.
              if (h.arg !== 0n) forgeries.push(['z = 1 for a non-zero argument', h.bits, 0n]);
            }
            for (const [what, bits, inv] of forgeries) {
              const first = assignment(pr, x, bits, 0n);
              const useInv = inv ?? (first.arg === undefined ? 0n : invMod(first.arg));
              const forged = assignment(pr, x, bits, useInv).values;
              if (cc.expectRejected(forged, w, `${label(pr)} --O${optimize}: ${what}, in = ${x}`)) rejected++;
            }
            if (h.arg === 0n && cc.inWitness('z')) {
              // z = 0 although the argument is 0 (w and out recomputed from it): only possible
              // by breaking z = 1 − arg·inv.
              const forged = new Map(h.values);
              forged.set('main.z', 0n).set('main.w', 0n).set('main.out', mod(h.bits[pr.A - 1] * (pow2(pr.B) - 1n)));
              if (cc.expectRejected(forged, w, `--O${optimize}: z = 0 for a zero argument, in = ${x}`)) rejected++;
            }
          }
          assert.ok(rejected > 0, `--O${optimize}: some forgery must be representable`);
        }
      });

      // (k = 0 with ReLU is the same circuit shape as k > 0: left to the sampled tests)
      if (pr.A <= 7 && !(pr.relu === 1 && pr.A - 1 - pr.k <= 0) && !(pr.relu === 1 && pr.k === 0)) {
        it('exhaustive: every boolean bit pattern × IsZero choice — only the honest output is accepted', async () => {
          const [lo, hi] = admissible(pr);
          for (const optimize of [1, 2] as const) {
            const cc = optimize === 2 ? c : await compile(pr, 1);
            for (let x = lo - 2n; x <= hi + 2n; x++) {
              const inRange = x >= lo && x <= hi;
              const w = inRange ? await cc.calculateWitness({ in: x }) : undefined;
              let accepted = 0;
              for (let pattern = 0n; pattern < pow2(pr.A); pattern++) {
                const bits = bitsOf(pattern, pr.A);
                const probe = assignment(pr, x, bits, 0n);
                // arg ≠ 0: inv = 0 claims z = 1, inv = 1/arg gives z = 0 (any other inv makes z a non-bit);
                // arg = 0: inv is free and z = 1 whatever it is.
                const invs = probe.arg === undefined ? [0n] : probe.arg === 0n ? [0n, 12345n] : [0n, invMod(probe.arg), 1n];
                for (const inv of invs) {
                  const { values } = assignment(pr, x, bits, inv);
                  const ok = cc.check(cc.assemble(values)).ok;
                  if (!ok) continue;
                  accepted++;
                  assert.ok(inRange, `--O${optimize}: accepted a witness for inadmissible in = ${x}`);
                  assert.equal(values.get('main.out'), rescaleRef(x, pr), `--O${optimize}: wrong output accepted, in = ${x}`);
                  // the witness is unique, except IsZero's inv when its argument is 0
                  const h = honest(pr, x);
                  const expected = h.arg === 0n ? cc.assemble(assignment(pr, x, h.bits, inv).values) : w;
                  assert.deepEqual(cc.assemble(values), expected, `--O${optimize}: another witness accepted, in = ${x}`);
                }
              }
              if (inRange) assert.ok(accepted >= 1, `--O${optimize}: honest witness not found, in = ${x}`);
            }
          }
        });
      }
    });
  }

  it('keeps its cost formula for the sizes a model uses', async () => {
    // spot checks of the formula on more shapes (compile only)
    const more: Params[] = [
      { A: 24, k: 10, B: 8, relu: 1 },
      { A: 24, k: 10, B: 8, relu: 0 },
      { A: 18, k: 9, B: 8, relu: 1 }, // M = 8 = B
      { A: 18, k: 9, B: 8, relu: 0 }, // M = 8 ≥ B
      { A: 17, k: 9, B: 8, relu: 0 }, // M = 7 = B − 1
    ];
    for (const pr of more) {
      const c = await compile(pr);
      assert.equal(c.nonLinearConstraints, expectedConstraints(pr), label(pr));
      const x = -pow2(pr.A - 2) + 3n;
      const w = await c.calculateWitness({ in: x });
      assert.equal(c.get(w, 'out'), rescaleRef(x, pr));
    }
  });
});
