/**
 * PiecewiseLinear(BIN, T, Y, D) against IntPwl (src/compiler/integer/ir.ts): every input of small
 * widths, the exact constraint count, and forged witnesses (each bit, each product, the output).
 */
import assert from 'node:assert/strict';
import { interpret } from '../../src/compiler/integer/interpret.ts';
import type { IntGraph } from '../../src/compiler/integer/ir.ts';
import { pwlConstraints } from '../../src/compiler/integer/templateCosts.ts';
import { mod } from '../helpers/r1cs.ts';
import { bitsOf, compileTestCircuit, rng, randomBigInt, type TestCircuit } from '../helpers/circuitTester.ts';

interface Case {
  BIN: number;
  T: number;
  /** 2^T intercepts and slopes. */
  values: bigint[];
  slopes: bigint[];
}

function table(T: number, seed: number, span: bigint): bigint[] {
  const next = rng(seed);
  return Array.from({ length: 2 ** T }, () => randomBigInt(next, -span, span));
}

const cases: Case[] = [
  { BIN: 4, T: 1, values: [3n, -5n], slopes: [7n, -2n] },
  { BIN: 6, T: 2, values: table(2, 1, 50n), slopes: table(2, 11, 9n) },
  { BIN: 8, T: 3, values: table(3, 2, 1000n), slopes: table(3, 12, 100n) },
  { BIN: 9, T: 5, values: table(5, 3, 1n << 20n), slopes: table(5, 13, 1n << 10n) },
  { BIN: 12, T: 5, values: table(5, 4, 1n << 30n), slopes: table(5, 14, 1n << 20n) },
];

/** IntPwl through the interpreter (the reference). */
function reference(c: Case, x: bigint): bigint {
  const g: IntGraph = {
    name: 'pwl', inputs: ['x'], outputs: ['y'],
    nodes: [
      { op: 'input', kind: 'signal', name: 'x', origin: 'x', shape: [1], bits: c.BIN, lo: 0n, hi: (1n << BigInt(c.BIN)) - 1n, scale: 0, zeroPoint: 0n },
      { op: 'pwl', kind: 'signal', name: 'y', origin: 'y', shape: [1], input: 'x', bits: c.BIN, segBits: c.T, values: c.values, slopes: c.slopes, lo: 0n, hi: 0n, scale: 0, zeroPoint: 0n },
    ],
  };
  return interpret(g, { x: [x] }).get('y')![0];
}

const label = (c: Case): string => `PiecewiseLinear(${c.BIN}, ${c.T})`;

describe('circuits/pwl.circom: PiecewiseLinear', function () {
  this.timeout(120_000);
  for (const pc of cases) {
    describe(label(pc), () => {
      let c: TestCircuit;
      const K = 2 ** pc.T;
      const Y = pc.values;
      const D = pc.slopes;
      before(async () => {
        const arr = (a: bigint[]): string => `[${a.join(', ')}]`;
        // Array parameters go through a wrapper template holding the tables as vars.
        const source = [
          'pragma circom 2.1.0;',
          'include "pwl.circom";',
          'template PwlCase() {',
          `    var y[${K}] = ${arr(Y)};`,
          `    var d[${K}] = ${arr(D)};`,
          '    signal input in;',
          '    signal output out;',
          `    component p = PiecewiseLinear(${pc.BIN}, ${pc.T}, y, d);`,
          '    p.in <== in;',
          '    out <== p.out;',
          '}',
          'component main {public [in]} = PwlCase();',
          '',
        ].join('\n');
        c = await compileTestCircuit(label(pc), source);
      });

      it('has exactly BIN + 2^T − T non-linear constraints', () => {
        assert.equal(c.nonLinearConstraints, pwlConstraints(pc.BIN, pc.T));
      });

      it('computes intercept + slope·offset of the input\'s segment exactly (IntPwl)', async () => {
        const n = 1n << BigInt(pc.BIN);
        const next = rng(pc.BIN);
        const xs = n <= 512n ? [...Array(Number(n)).keys()].map(BigInt) : [0n, n - 1n, ...Array.from({ length: 200 }, () => randomBigInt(next, 0n, n - 1n))];
        for (const x of xs) {
          const w = await c.calculateWitness({ in: x });
          assert.equal(c.get(w, 'out'), mod(reference(pc, x)), `in = ${x}`);
          c.expectPass(w);
        }
      });

      it('has no witness outside [0, 2^BIN)', async () => {
        for (const x of [-1n, 1n << BigInt(pc.BIN)]) await assert.rejects(c.calculateWitness({ in: x }), /Assert Failed/);
      });

      it('rejects each bit ±1, each segment product ±1, and the output ±1', async () => {
        const next = rng(pc.BIN + 100);
        let tried = 0;
        for (let k = 0; k < 12; k++) {
          const x = randomBigInt(next, 0n, (1n << BigInt(pc.BIN)) - 1n);
          const w = await c.calculateWitness({ in: x });
          const names = [...Array(pc.BIN).keys()].map((i) => `p.b.bits[${i}]`).concat([...Array(K).keys()].map((s) => `p.prod[${s}]`), ['out', 'p.out']);
          for (const name of names) {
            if (!c.inWitness(name)) continue;
            for (const d of [1n, -1n]) {
              c.expectFail(c.with(w, { [name]: c.get(w, name) + d }), `${name} ${d}, in = ${x}`);
              tried++;
            }
          }
          // A different decomposition of the same input (a bit set to 2, the next one lowered) is rejected.
          const bits = bitsOf(x, pc.BIN);
          const i = bits.findIndex((b, j) => j > 0 && b === 1n);
          if (i > 0 && c.inWitness(`p.b.bits[${i}]`) && c.inWitness(`p.b.bits[${i - 1}]`)) {
            const forged = c.with(w, { [`p.b.bits[${i}]`]: 0n, [`p.b.bits[${i - 1}]`]: bits[i - 1] + 2n });
            c.expectFail(forged, `non-boolean decomposition, in = ${x}`);
          }
        }
        assert.ok(tried > 0);
      });
    });
  }
});
