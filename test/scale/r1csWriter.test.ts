/**
 * The .r1cs writer (src/compiler/circom/r1csWriter.ts) and the wire map
 * (src/compiler/circom/wireMap.ts) on a tiny circuit: appended constraints read back exactly
 * (terms merged per wire, sorted, reduced mod p, zeros dropped), the header count and section
 * sizes follow, every other section is unchanged, and a witness is judged by the new rows.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readR1cs } from '../../src/compiler/circom/r1csFile.ts';
import { appendR1csConstraints } from '../../src/compiler/circom/r1csWriter.ts';
import { runCircom } from '../../src/compiler/circom/runCircom.ts';
import { WireMap } from '../../src/compiler/circom/wireMap.ts';
import { BN254_P, checkWitness } from '../helpers/r1cs.ts';

const DIR = join('build', 'test', 'scale-r1cs');

describe('r1cs writer and wire map', function () {
  this.timeout(120_000);
  let r1csFile: string;
  let symFile: string;
  let substitutions: string;

  before(async () => {
    mkdirSync(DIR, { recursive: true });
    // b is merged into a (b <== a) at --O1: its .sym wire is −1 and circom records b → a.
    writeFileSync(
      join(DIR, 'tiny.circom'),
      'pragma circom 2.1.0;\ntemplate T() { signal input a; signal b; signal input c; signal output d; b <== a; d <== b * c; }\ncomponent main = T();\n',
    );
    const r = await runCircom({ mainFile: join(DIR, 'tiny.circom'), outDir: join(DIR, 'out'), optimize: 1, wasm: false, substitutions: true });
    r1csFile = r.r1csFile;
    symFile = r.symFile!;
    substitutions = r.substitutionsFile!;
  });

  it('appends constraints and keeps the rest of the file intact', async () => {
    const before = await readR1cs(r1csFile, { wireMap: true });
    const copy = join(DIR, 'copy.r1cs');
    writeFileSync(copy, readFileSync(r1csFile));
    const n = await appendR1csConstraints(copy, [
      { a: { wires: [2, 3, 2, 1], coeffs: [3n, -1n, 2n, 0n] }, b: { wires: [0], coeffs: [1n] }, c: { wires: [], coeffs: [] } },
      { a: { wires: [0], coeffs: [BN254_P + 7n] }, b: { wires: [3], coeffs: [1n] }, c: { wires: [1], coeffs: [1n] } },
    ]);
    const after = await readR1cs(copy, { wireMap: true });
    assert.equal(n, before.header.nConstraints + 2);
    assert.deepEqual({ ...after.header, nConstraints: 0 }, { ...before.header, nConstraints: 0 });
    assert.deepEqual(after.constraints.slice(0, before.constraints.length), before.constraints);
    assert.deepEqual(after.wireToLabel, before.wireToLabel);
    assert.deepEqual(after.constraints.at(-2), {
      a: { wires: [2, 3], coeffs: [5n, BN254_P - 1n] },
      b: { wires: [0], coeffs: [1n] },
      c: { wires: [], coeffs: [] },
    });
    assert.deepEqual(after.constraints.at(-1)!.a, { wires: [0], coeffs: [7n] });
    await assert.rejects(appendR1csConstraints(copy, [{ a: { wires: [99], coeffs: [1n] }, b: { wires: [], coeffs: [] }, c: { wires: [], coeffs: [] } }]), /wire 99/);
  });

  it('resolves merged signals through circom\'s substitutions', async () => {
    const wires = await WireMap.load(symFile, substitutions);
    const a = wires.wire('main.a');
    assert.ok(a !== undefined && a > 0);
    assert.equal(wires.wire('main.b'), a, 'b was merged into a: same wire');
    const noSubs = await WireMap.load(symFile);
    assert.throws(() => noSubs.terms('main.b'), /removed from the witness/);
    assert.throws(() => wires.terms('main.nope'), /not in the \.sym file/);
  });

  it('a witness is judged by the appended rows', async () => {
    const wires = await WireMap.load(symFile, substitutions);
    const [d, a, c] = ['main.d', 'main.a', 'main.c'].map((s) => wires.wire(s)!);
    const copy = join(DIR, 'judged.r1cs');
    writeFileSync(copy, readFileSync(r1csFile));
    // d − 12 = 0, as a row (A = d − 12, B = 1, C = 0)
    await appendR1csConstraints(copy, [{ a: { wires: [d, 0], coeffs: [1n, -12n] }, b: { wires: [0], coeffs: [1n] }, c: { wires: [], coeffs: [] } }]);
    const r1cs = await readR1cs(copy);
    const w = (av: bigint, cv: bigint): bigint[] => {
      const x = new Array<bigint>(r1cs.header.nWires).fill(0n);
      x[0] = 1n;
      x[a] = av;
      x[c] = cv;
      x[d] = av * cv;
      return x;
    };
    assert.equal(checkWitness(r1cs, w(3n, 4n)).ok, true);
    assert.deepEqual(checkWitness(r1cs, w(2n, 5n)).failing, [r1cs.header.nConstraints - 1]);
  });
});
