/**
 * runCircom: staging around circom2's working-directory trap, artifact layout, errors, and the
 * .r1cs reader (checked against snarkjs's own reader).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitError } from '../../src/errors.ts';
import { readR1cs, readR1csSummary } from '../../src/compiler/circom/r1csFile.ts';
import { circuitsDir, includePathsFor, runCircom } from '../../src/compiler/circom/runCircom.ts';
import { readSymFile } from '../../src/compiler/circom/symFile.ts';
import { includesOf } from '../../src/compiler/circom/stage.ts';
import { checkWitness } from '../helpers/r1cs.ts';

const require = createRequire(import.meta.url);

interface SnarkjsR1cs {
  r1cs: {
    info(file: string): Promise<{ nVars: number; nOutputs: number; nPubInputs: number; nPrvInputs: number; nLabels: number; nConstraints: number }>;
    exportJson(file: string): Promise<{ constraints: Array<Array<Record<string, string>>>; map: number[] }>;
  };
}
const SNARKJS = 'snarkjs';
const loadSnarkjs = (): Promise<SnarkjsR1cs> => import(SNARKJS) as Promise<SnarkjsR1cs>;

// A main file far from the project (circom2 could not see circuits/ or node_modules from here),
// using a zkinfer template, circomlib (Poseidon, which includes further circomlib files) and a
// file included relative to the main file.
const MAIN = `pragma circom 2.1.0;
include "rescale.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/double.circom";

template Main() {
    signal input x;
    signal input y;
    signal output r;
    signal output h;
    signal output d;
    component rs = Rescale(12, 4, 6, 1);
    rs.in <== x * 3 + 7;      // a linear expression: free at --O2
    r <== rs.out;
    h <== Poseidon(1)([y]);
    d <== Double()(y);
}
component main {public [y]} = Main();
`;
const DOUBLE = `pragma circom 2.1.0;
template Double() { signal input a; signal output b; b <== a * 2; }
`;

describe('src/compiler/circom: runCircom', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'zkinfer-runcircom-'));
    await mkdir(join(work, 'src', 'lib'), { recursive: true });
    await writeFile(join(work, 'src', 'main.circom'), MAIN);
    await writeFile(join(work, 'src', 'lib', 'double.circom'), DOUBLE);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('compiles a main file outside the project that includes circuits/, circomlib and a relative file', async () => {
    const lines: string[] = [];
    const outDir = join(work, 'out');
    const r = await runCircom({ mainFile: join(work, 'src', 'main.circom'), outDir, onProgress: (l) => lines.push(l) });
    assert.equal(r.circomVersion, '2.2.3');
    assert.ok(existsSync(r.r1csFile) && existsSync(r.wasmFile!) && existsSync(r.symFile!));
    assert.equal(r.r1csFile, join(outDir, 'main.r1cs'));
    assert.equal(r.wasmFile, join(outDir, 'main_js', 'main.wasm'));
    // no stage folder left behind
    assert.deepEqual(readdirSync(outDir).filter((f) => f.startsWith('.')), []);
    // counts from the header agree with what circom printed
    const printed = (label: string): number => Number(new RegExp(`^${label}: (\\d+)`, 'm').exec(r.stdout)![1]);
    assert.equal(r.nonLinearConstraints, printed('non-linear constraints'));
    assert.equal(r.linearConstraints, printed('linear constraints'));
    assert.equal(r.wires, printed('wires'));
    assert.equal(r.publicInputs, 1);
    assert.equal(r.outputs, 3);
    assert.ok(lines.some((l) => /non-linear constraints/.test(l)), 'progress lines are forwarded');
    // Rescale(12, 4, 6, 1) = A + 3 = 15, Poseidon(1) = 213 at --O2; d = 2·y links two public
    // signals, which --O2 cannot substitute away: it stays as the one linear constraint.
    assert.equal(r.nonLinearConstraints, 15 + 213);
    assert.equal(r.linearConstraints, 1);
    assert.equal(r.constraints, 15 + 213 + 1);
  });

  it('its generated witness calculator loads from this ESM package (package.json marks it CommonJS)', async () => {
    const outDir = join(work, 'out');
    const pkg = JSON.parse(await readFile(join(outDir, 'main_js', 'package.json'), 'utf8')) as { type: string };
    assert.equal(pkg.type, 'commonjs');
    const builder = require(join(outDir, 'main_js', 'witness_calculator.js')) as (code: Uint8Array) => Promise<{ calculateWitness(i: unknown, s: boolean): Promise<bigint[]> }>;
    const wc = await builder(await readFile(join(outDir, 'main_js', 'main.wasm')));
    const w = await wc.calculateWitness({ x: 100, y: 5 }, true);
    const r1cs = await readR1cs(join(outDir, 'main.r1cs'));
    assert.ok(checkWitness(r1cs, w).ok);
    const sym = await readSymFile(join(outDir, 'main.sym'));
    // floor((3·100 + 7 + 8) / 16) = 19, ReLU, 6 bits
    assert.equal(w[sym.get('main.r')!.witnessIndex], 19n);
    assert.equal(w[sym.get('main.d')!.witnessIndex], 10n);
  });

  it('reads the .r1cs exactly as snarkjs does (header and every coefficient)', async () => {
    const file = join(work, 'out', 'main.r1cs');
    const snarkjs = await loadSnarkjs();
    const info = await snarkjs.r1cs.info(file);
    const mine = await readR1cs(file, { wireMap: true });
    assert.equal(mine.header.nWires, info.nVars);
    assert.equal(mine.header.nConstraints, info.nConstraints);
    assert.equal(mine.header.nPubOutputs, info.nOutputs);
    assert.equal(mine.header.nPubInputs, info.nPubInputs);
    assert.equal(mine.header.nPrvInputs, info.nPrvInputs);
    assert.equal(mine.header.nLabels, info.nLabels);
    const json = await snarkjs.r1cs.exportJson(file);
    assert.equal(json.constraints.length, mine.constraints.length);
    json.constraints.forEach((c, i) => {
      const lcs = [mine.constraints[i].a, mine.constraints[i].b, mine.constraints[i].c];
      c.forEach((lc, part) => {
        const theirs = Object.entries(lc).map(([k, v]) => `${k}:${v}`).sort();
        const ours = lcs[part].wires.map((wire, t) => `${wire}:${lcs[part].coeffs[t]}`).sort();
        assert.deepEqual(ours, theirs, `constraint ${i}, part ${part}`);
      });
    });
    assert.deepEqual(mine.wireToLabel, json.map.map(Number));
  });

  it('--O1 keeps linear constraints that --O2 substitutes away', async () => {
    const r1 = await runCircom({ mainFile: join(work, 'src', 'main.circom'), outDir: join(work, 'o1'), optimize: 1, wasm: false, sym: false });
    const r2 = await readR1csSummary(join(work, 'out', 'main.r1cs'));
    assert.equal(r2.linearConstraints, 1);
    assert.ok(r1.linearConstraints > 5, `--O1 linear constraints: ${r1.linearConstraints}`);
    // (--O1 also keeps a few more non-linear ones: Poseidon's, whose linear parts --O2 folds)
    assert.ok(r1.nonLinearConstraints >= r2.header.nConstraints - r2.linearConstraints);
    assert.equal(r1.nonLinearConstraints, Number(/^non-linear constraints: (\d+)/m.exec(r1.stdout)![1]));
    assert.equal(r1.linearConstraints, Number(/^linear constraints: (\d+)/m.exec(r1.stdout)![1]));
    assert.equal(r1.wasmFile, undefined);
    assert.ok(!existsSync(join(work, 'o1', 'main_js')));
  });

  it('turns a compile error into a CircuitError quoting circom and naming the original file', async () => {
    const bad = join(work, 'src', 'bad.circom');
    await writeFile(bad, 'pragma circom 2.1.0;\ntemplate T() { signal input a; signal output o; o <== a * a * a; }\ncomponent main = T();\n');
    await assert.rejects(runCircom({ mainFile: bad, outDir: join(work, 'bad') }), (e: unknown) => {
      assert.ok(e instanceof CircuitError);
      assert.equal(e.code, 'CIRCOM_COMPILE_FAILED');
      assert.match(e.message, /Non quadratic constraints are not allowed/);
      assert.match(e.message, /T3001/);
      assert.ok(e.message.includes(bad), e.message);
      assert.ok(e.fix);
      return true;
    });
    assert.deepEqual(readdirSync(join(work, 'bad')), [], 'no stage folder left behind');
  });

  it('reports a missing include with circom\'s message', async () => {
    const bad = join(work, 'src', 'missing.circom');
    await writeFile(bad, 'pragma circom 2.1.0;\ninclude "no_such_template.circom";\ncomponent main = Nothing();\n');
    await assert.rejects(runCircom({ mainFile: bad, outDir: join(work, 'missing') }), (e: unknown) => {
      assert.ok(e instanceof CircuitError);
      assert.match(e.message, /no_such_template\.circom/);
      assert.match(e.message, /P1014/);
      return true;
    });
  });

  it('refuses a main file that does not exist, and an include above the visible folders', async () => {
    await assert.rejects(runCircom({ mainFile: join(work, 'nope.circom'), outDir: join(work, 'x') }), (e: unknown) => e instanceof CircuitError && e.code === 'CIRCOM_MAIN_MISSING');
    const up = join(work, 'src', 'up.circom');
    await writeFile(join(work, 'sibling.circom'), 'pragma circom 2.1.0;\ntemplate S() { signal input a; }\n');
    await writeFile(up, 'pragma circom 2.1.0;\ninclude "../sibling.circom";\ncomponent main = S();\n');
    await assert.rejects(runCircom({ mainFile: up, outDir: join(work, 'up') }), (e: unknown) => e instanceof CircuitError && e.code === 'CIRCOM_INCLUDE_OUTSIDE');
  });

  it('exposes circuitsDir() and includePathsFor()', () => {
    assert.ok(existsSync(join(circuitsDir(), 'rescale.circom')));
    const paths = includePathsFor(join(work, 'src', 'main.circom'));
    assert.equal(paths[0], join(work, 'src'));
    assert.ok(paths.includes(circuitsDir()));
    assert.ok(paths.some((p) => existsSync(join(p, 'circomlib', 'circuits', 'poseidon.circom'))));
    assert.deepEqual(
      includesOf('include "a.circom"; // include "b.circom";\n/* include "c.circom"; */\n  include "d/e.circom" ;include "f.circom";\nmyinclude "g";'),
      ['a.circom', 'd/e.circom', 'f.circom'],
    );
  });
});
