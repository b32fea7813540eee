/**
 * ProverPool and batch proving (issue 6, acceptance 1): batch proofs have the same public
 * signals as sequential ones and all verify; a failing line is reported by its line number and
 * does not stop the others; concurrent callers each get their own result; errors raised in a
 * worker come back as the same ZkInferError subclass. No timing is asserted.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError, ProofError, ShapeError } from '../../src/errors.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { ProverPool } from '../../src/prover/pool/ProverPool.ts';
import { jsonLines, proveBatch } from '../../src/prover/pool/proveBatch.ts';
import { defaultWorkerCount } from '../../src/prover/pool/workerCount.ts';
import { verify, verifyProofFile } from '../../src/prover/verify.ts';
import { fixtureBuild, readSamples } from '../helpers/fixtureBuild.ts';

const TMP = join('build', 'test', 'pool');
const run = promisify(execFile);

describe('ProverPool', function () {
  this.timeout(600_000);
  const samples = readSamples('digits-mlp');
  let dir: string;
  let pool: ProverPool;
  let sequential: string[][];
  const N = 6;

  before(async () => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
    dir = (await fixtureBuild('digits-mlp')).paths.dir;
    const prover = await Prover.load(dir);
    sequential = [];
    for (let i = 0; i < N; i++) sequential.push((await prover.prove(samples.inputs[i])).publicSignals);
    await prover.close();
    pool = await ProverPool.create(dir, { workers: 2 });
  });
  after(async () => pool?.close());

  it('a batch gives the sequential public signals, every proof verifies, and a bad line fails alone', async () => {
    const lines = samples.inputs.slice(0, N).map((x) => JSON.stringify(x));
    lines.splice(2, 0, '{"input": [1, 2'); // line 3: not JSON
    lines.splice(5, 0, ''); // line 6: blank, skipped
    lines.push(JSON.stringify(Array(64).fill(99))); // line 9: out of range
    const summary = await proveBatch(pool, jsonLines(lines.join('\n')), { outDir: join(TMP, 'proofs') });
    assert.equal(summary.proved, N);
    assert.deepEqual(summary.results.filter((r) => !r.ok).map((r) => [r.line, r.error!.code]), [[3, 'JSON_SYNTAX'], [9, 'INPUT_OUT_OF_RANGE']]);
    const ok = summary.results.filter((r) => r.ok);
    assert.deepEqual(ok.map((r) => r.line), [1, 2, 4, 5, 7, 8]);
    for (const [k, r] of ok.entries()) {
      assert.deepEqual(r.result!.publicSignals, sequential[k], `line ${r.line}: same public signals as the sequential proof`);
      const v = await verifyProofFile(dir, r.proofFile!);
      assert.equal(v.valid, true, `line ${r.line} verifies`);
    }
  });

  it('concurrent callers each get the proof of their own input', async () => {
    const b = await fixtureBuild('digits-mlp');
    const idx = [9, 3, 14, 3, 21, 0, 30, 11];
    const results = await Promise.all(idx.map((i) => pool.prove(samples.inputs[i])));
    for (const [k, i] of idx.entries()) {
      const q = quantizeInput(b.manifest, samples.inputs[i]);
      assert.deepEqual(results[k].outputs[0].values, interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0], `caller ${k}`);
    }
    assert.deepEqual(results[1].publicSignals, results[3].publicSignals);
    assert.equal((await verify(dir, results[4].proof, results[4].publicSignals)).valid, true);
    assert.equal(pool.pending, 0);
  });

  it('input errors reject on the caller side; witness errors come back from the worker as ProofError', async () => {
    await assert.rejects(pool.prove([[1, 2, 3]]), (e: unknown) => e instanceof ShapeError);
    await assert.rejects(pool.prove(Array(64).fill(99)), (e: unknown) => e instanceof InputError && e.code === 'INPUT_OUT_OF_RANGE');
    const bad = { in: Array.from({ length: 64 }, () => 300n) }; // encoded, but outside the 8-bit range check
    await assert.rejects(pool.prove(bad), (e: unknown) => e instanceof ProofError && e.code === 'WITNESS_FAILED' && typeof e.fix === 'string');
    const r = await pool.prove(samples.inputs[1]); // the worker survives
    assert.deepEqual(r.publicSignals, sequential[1]);
  });

  it('the default worker count follows the cores and the free memory', () => {
    const MB = 2 ** 20;
    assert.equal(defaultWorkerCount(10 * MB, 2, 24 * 1024 * MB), 2);
    assert.equal(defaultWorkerCount(10 * MB, 8, 24 * 1024 * MB), 8);
    assert.equal(defaultWorkerCount(1024 * MB, 8, 6 * 1024 * MB), 1);
    assert.equal(defaultWorkerCount(1024 * MB, 2, 100 * MB), 1);
  });

  it('a closed pool refuses new work', async () => {
    const p = await ProverPool.create(dir, { workers: 1 });
    await p.close();
    await assert.rejects(p.prove(samples.inputs[0]), (e: unknown) => e instanceof ProofError && e.code === 'POOL_CLOSED');
  });
});

describe('zkinfer prove --batch', function () {
  this.timeout(600_000);

  it('writes one proof per line, reports a failing line by number, exits 1', async () => {
    const dir = (await fixtureBuild('digits-mlp')).paths.dir;
    const samples = readSamples('digits-mlp');
    const file = join(TMP, 'cli.jsonl');
    mkdirSync(TMP, { recursive: true });
    writeFileSync(file, [JSON.stringify(samples.inputs[0]), 'nope', JSON.stringify(samples.inputs[1])].join('\n') + '\n');
    const out = join(TMP, 'cli-proofs');
    rmSync(out, { recursive: true, force: true });
    const r = await run(process.execPath, ['cli/bin.js', 'prove', dir, '--batch', file, '-o', out, '--workers', '2']).then(
      (x) => ({ code: 0, ...x }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: line 2: not valid JSON/m);
    assert.match(r.stderr, /\n {2}fix: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.match(r.stdout, /2 of 3 proofs written/);
    assert.deepEqual(readdirSync(out).sort(), ['proof-0001.json', 'proof-0003.json']);
    for (const f of readdirSync(out)) assert.equal((await verifyProofFile(dir, join(out, f))).valid, true);
    assert.ok(!existsSync(join(out, 'proof-0002.json')));
  });

  it('refuses --input together with --batch', async () => {
    const r = await run(process.execPath, ['cli/bin.js', 'prove', 'build/x', '--batch', 'a', '--input', 'b', '-o', 'c']).then(
      (x) => ({ code: 0, ...x }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /either --input or --batch/);
  });
});
