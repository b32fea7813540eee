/**
 * RescaleEven(A, k, B, RELU) against IntRescale with rounding 'half-even' (src/compiler/integer/ir.ts):
 * outputs (exhaustive on small widths, ties included), exact constraint counts, and forged witnesses.
 */
import assert from 'node:assert/strict';
import { roundShiftEven } from '../../src/compiler/integer/arith.ts';
import { rescaleEvenConstraints } from '../../src/compiler/integer/templateCosts.ts';
import { mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, invMod, randomBigInt, rng, type TestCircuit } from '../helpers/circuitTester.ts';

interface Params {
  A: number;
  k: number;
  B: number;
  relu: 0 | 1;
}

const pow2 = (e: number): bigint => 1n << BigInt(e);
const clamp = (x: bigint, lo: bigint, hi: bigint): bigint => (x < lo ? lo : x > hi ? hi : x);

function ref(x: bigint, { k, B, relu }: Params): bigint {
  const q = roundShiftEven(x, k);
  return relu ? clamp(q, 0n, pow2(B) - 1n) : clamp(q, -pow2(B - 1), pow2(B - 1) - 1n) + pow2(B - 1);
}

const admissible = ({ A, k }: Params): [bigint, bigint] => [-pow2(A - 1) - pow2(k - 1), pow2(A - 1) - pow2(k - 1) - 1n];

/** Every signal as the template computes it from the hints (bits, invR, inv). */
function assignment(pr: Params, x: bigint, bits: bigint[], invR: bigint, inv: bigint, deltaOverride?: bigint): { values: Map<string, bigint>; R?: bigint; arg?: bigint } {
  const { A, k, B, relu } = pr;
  const M = A - 1 - k;
  const v = new Map<string, bigint>();
  v.set('main.in', mod(x)).set('main.t.in', mod(x + pow2(k - 1) + pow2(A - 1)));
  bits.forEach((b, i) => v.set(`main.t.bits[${i}]`, mod(b)));
  const s = bits[A - 1];
  const sum = (from: number, to: number): bigint => {
    let acc = 0n;
    for (let i = from; i < to; i++) acc += bits[i] * pow2(i - from);
    return acc;
  };
  if (!relu && B === 1) {
    v.set('main.out', mod(s));
    return { values: v };
  }
  const R = sum(0, k) + (1n - bits[k]) * pow2(k);
  const delta = deltaOverride ?? mod(1n - R * invR);
  v.set('main.invR', mod(invR)).set('main.delta', delta);
  let out: bigint;
  let arg: bigint | undefined;
  if (relu && M <= B) {
    out = s * (sum(k, A - 1) - delta);
  } else if (relu) {
    const lo = sum(k, k + B);
    let z: bigint;
    if (M === B + 1) z = mod(s * (1n - bits[A - 2]));
    else {
      arg = 1n - s + sum(k + B, A - 1);
      z = mod(1n - arg * inv);
      v.set('main.inv', mod(inv));
    }
    const w = mod(z * (lo - (pow2(B) - 1n) - delta));
    v.set('main.z', z).set('main.w', w);
    out = s * (pow2(B) - 1n) + w;
  } else if (M <= B - 1) {
    out = sum(k, A - 1) - pow2(M) * (1n - s) + pow2(B - 1) - delta;
  } else {
    const n = M - B + 1;
    const lo = sum(k, k + B - 1);
    let z: bigint;
    if (n === 1) z = mod(s + bits[A - 2] - 2n * s * bits[A - 2]);
    else {
      arg = sum(k + B - 1, A - 1) + (pow2(n) - 1n) * (s - 1n);
      z = mod(1n - arg * inv);
      v.set('main.inv', mod(inv));
    }
    const w = mod(z * (lo - (pow2(B - 1) - 1n) * s - delta));
    v.set('main.z', z).set('main.w', w);
    out = s * (pow2(B) - 1n) + w;
  }
  v.set('main.out', mod(out));
  return { values: v, R: mod(R), arg: arg === undefined ? undefined : mod(arg) };
}

function honest(pr: Params, x: bigint, bitsIn?: bigint[]): ReturnType<typeof assignment> & { bits: bigint[] } {
  const bits = bitsIn ?? bitsOf(x + pow2(pr.k - 1) + pow2(pr.A - 1), pr.A);
  const probe = assignment(pr, x, bits, 0n, 0n);
  const invR = probe.R === undefined ? 0n : invMod(probe.R);
  const inv = probe.arg === undefined ? 0n : invMod(probe.arg);
  return { bits, ...assignment(pr, x, bits, invR, inv) };
}

function sampleInputs(pr: Params, randomCount = 30): bigint[] {
  const [lo, hi] = admissible(pr);
  if (hi - lo < 700n) {
    const all: bigint[] = [];
    for (let x = lo; x <= hi; x++) all.push(x);
    return all;
  }
  const { k, B } = pr;
  const set = new Set<bigint>([lo, hi, 0n, 1n, -1n]);
  for (const q of [0n, 1n, 2n, 3n, -1n, -2n, pow2(B - 1) - 1n, pow2(B - 1), -pow2(B - 1), pow2(B) - 1n, pow2(B), pow2(B) + 1n]) {
    const tie = q * pow2(k) + pow2(k - 1); // exactly q + 1/2
    for (const d of [-1n, 0n, 1n]) set.add(tie + d);
  }
  const next = rng(pr.A * 1000 + pr.k * 10 + pr.B + pr.relu);
  for (let i = 0; i < randomCount; i++) set.add(randomBigInt(next, lo, hi));
  return [...set].filter((x) => x >= lo && x <= hi).sort((a, b) => (a < b ? -1 : 1));
}

const paramSets: Params[] = [
  { A: 8, k: 3, B: 4, relu: 1 }, // M = 4 ≤ B
  { A: 9, k: 3, B: 4, relu: 1 }, // M = B + 1: z as a product
  { A: 10, k: 3, B: 4, relu: 1 }, // M > B + 1: z = IsZero
  { A: 8, k: 3, B: 5, relu: 0 }, // M = 4 ≤ B − 1: linear
  { A: 8, k: 3, B: 4, relu: 0 }, // M = B: z as a product
  { A: 10, k: 3, B: 4, relu: 0 }, // M > B: IsZero
  { A: 7, k: 2, B: 1, relu: 0 }, // B = 1: sign only
  { A: 3, k: 1, B: 1, relu: 1 }, // smallest
  { A: 19, k: 9, B: 8, relu: 1 }, // a hidden layer of the QDQ fixtures
  { A: 60, k: 30, B: 8, relu: 1 },
  { A: 60, k: 30, B: 8, relu: 0 },
];

const label = (p: Params): string => `RescaleEven(${p.A}, ${p.k}, ${p.B}, ${p.relu})`;

describe('circuits/rescale_even.circom: RescaleEven', function () {
  this.timeout(120_000);
  for (const pr of paramSets) {
    describe(label(pr), () => {
      let c: TestCircuit;
      before(async () => {
        c = await compileTestCircuit(label(pr), { file: 'rescale_even.circom', template: 'RescaleEven', params: [pr.A, pr.k, pr.B, pr.relu], publicInputs: ['in'] });
      });

      it('has exactly the header count of non-linear constraints (rescaleEvenConstraints)', () => {
        assert.equal(c.nonLinearConstraints, rescaleEvenConstraints(pr.A, pr.k, pr.B, pr.relu === 1));
      });

      it('outputs roundHalfEven then the clamp, ties included, with the modelled witness', async () => {
        const xs = sampleInputs(pr);
        let ties = 0;
        for (const x of xs) {
          const w = await c.calculateWitness({ in: x });
          assert.equal(c.get(w, 'out'), ref(x, pr), `in = ${x}`);
          if (((x % pow2(pr.k)) + pow2(pr.k)) % pow2(pr.k) === pow2(pr.k - 1)) ties++;
          c.expectPass(w, `in = ${x}`);
          assert.deepEqual(c.assemble(honest(pr, x).values), w, `witness model, in = ${x}`);
        }
        assert.ok(ties > 2, 'ties are sampled');
      });

      it('has no witness outside the precondition', async () => {
        const [lo, hi] = admissible(pr);
        for (const x of [lo - 1n, hi + 1n]) await assert.rejects(c.calculateWitness({ in: x }), /Assert Failed/, `in = ${x}`);
      });

      it('rejects each hinted signal ±1 (bits, invR, inv) and the output ±1', async () => {
        const xs = sampleInputs(pr, 4);
        const stride = Math.max(1, Math.ceil(xs.length / 40));
        let tried = 0;
        for (const x of xs.filter((_, i) => i % stride === 0)) {
          const w = await c.calculateWitness({ in: x });
          const h = honest(pr, x);
          const names = [...Array(pr.A).keys()].map((i) => `t.bits[${i}]`).concat(['invR', 'inv', 'delta', 'z', 'w', 'out']);
          for (const name of names) {
            if (!c.inWitness(name)) continue;
            for (const d of [1n, -1n]) {
              const forged = c.with(w, { [name]: c.get(w, name) + d });
              if ((name === 'invR' && h.R === 0n) || (name === 'inv' && h.arg === 0n)) {
                c.expectPass(forged, `${name} is free when its IsZero argument is 0`);
                continue;
              }
              c.expectFail(forged, `${name} ${d > 0 ? '+' : '−'}1, in = ${x}`);
              tried++;
            }
          }
        }
        assert.ok(tried > 0);
      });

      it('rejects cheating provers: the other rounding at a tie, q one off, IsZero lies', async () => {
        let rejected = 0;
        for (const x of sampleInputs(pr, 10)) {
          const w = await c.calculateWitness({ in: x });
          const h = honest(pr, x);
          const t = x + pow2(pr.k - 1) + pow2(pr.A - 1);
          const forgeries: Array<[string, Map<string, bigint>]> = [];
          for (const d of [1n, -1n]) {
            const t2 = t + d * pow2(pr.k);
            if (t2 >= 0n && t2 < pow2(pr.A)) forgeries.push([`q${d > 0 ? '+' : '−'}1`, honest(pr, x, bitsOf(t2, pr.A)).values]);
          }
          if (h.R !== undefined) {
            // δ = 0 although R = 0 (half up at an odd tie), or δ = 1 although R ≠ 0.
            const d = mod(1n - h.R * (h.R === 0n ? 0n : invMod(h.R)));
            const inv = h.arg === undefined ? 0n : invMod(h.arg);
            for (const invR of [0n, h.R === 0n ? 0n : invMod(h.R)]) {
              forgeries.push(['δ flipped', assignment(pr, x, h.bits, invR, inv, 1n - d).values]);
            }
          }
          if (h.arg !== undefined && h.arg !== 0n) {
            forgeries.push(['z = 1 for a non-zero argument', assignment(pr, x, h.bits, h.R ? invMod(h.R) : 0n, 0n).values]);
          }
          for (const [what, values] of forgeries) if (c.expectRejected(values, w, `${label(pr)}: ${what}, in = ${x}`)) rejected++;
        }
        assert.ok(rejected > 0);
      });
    });
  }
});
