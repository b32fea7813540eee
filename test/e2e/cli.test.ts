/**
 * The CLI as a user meets it: every bad input gets a one-line error with a fix and exit
 * code 1 — no stack trace, no half-written artifact — and --json prints machine-readable results.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixtureBuild } from '../helpers/fixtureBuild.ts';

const run = promisify(execFile);
const TMP = join('build', 'test', 'cli');

async function zk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['cli/bin.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function assertCleanError(r: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^error: /);
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /\n {2}fix: /, 'says how to fix it');
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI', function () {
  this.timeout(300_000);
  let build: string;
  const mlp = 'fixtures/models/digits-mlp';

  before(async () => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
    build = (await fixtureBuild('digits-mlp')).paths.dir;
  });

  describe('bad models', () => {
    it('missing file', async () => assertCleanError(await zk('compile', join(TMP, 'nope.onnx'), '-o', join(TMP, 'x')), /not found/));
    it('not an ONNX file', async () => assertCleanError(await zk('compile', 'test/fixtures/onnx/not-onnx/model.onnx', '-o', join(TMP, 'x')), /ONNX|protobuf/i));
    it('truncated ONNX file', async () => assertCleanError(await zk('inspect', 'test/fixtures/onnx/truncated/model.onnx'), /truncated|incomplete|ONNX/i));
    it('dynamic spatial dims are refused with the fix', async () =>
      assertCleanError(await zk('compile', 'test/fixtures/onnx/dynamic-spatial/model.onnx', '-o', join(TMP, 'x')), /dynamic|fixed/i));
    it('an unsupported op: inspect names it and compile refuses it with the same message', async () => {
      const i = await zk('inspect', 'test/fixtures/onnx/unsupported-op/model.onnx');
      assert.equal(i.code, 1);
      assert.match(i.stdout, /Cos/);
      assert.match(i.stdout, /cos_1/);
      const c = await zk('compile', 'test/fixtures/onnx/unsupported-op/model.onnx', '-o', join(TMP, 'unsupported'));
      assertCleanError(c, /'Cos'.*'cos_1'/);
      const message = c.stderr.split('\n')[0].replace(/^error: /, '');
      assert.ok(i.stdout.includes(message), `inspect prints the compile message: ${message}`);
      assert.equal(existsSync(join(TMP, 'unsupported')), false, 'no build dir left behind');
    });
    it('inspect prints ops, shapes and the constraint estimate of a supported model', async () => {
      const r = await zk('inspect', `${mlp}/model.onnx`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Gemm/);
      assert.match(r.stdout, /total 1216/);
    });
  });

  describe('bad inputs', () => {
    const prove = (input: unknown) => {
      const f = join(TMP, `input-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(f, typeof input === 'string' ? input : JSON.stringify(input));
      return zk('prove', build, '--input', f, '-o', join(TMP, 'proof.json'));
    };
    it('wrong input shape', async () => assertCleanError(await prove([[1, 2, 3]]), /shape|values/));
    it('NaN / non-number', async () => assertCleanError(await prove([Array(63).fill(0).concat(['NaN'])]), /finite|number/));
    it('value outside the input range', async () => assertCleanError(await prove([Array(63).fill(0).concat([1e6])]), /range|outside/));
    it('input file is not JSON', async () => assertCleanError(await prove('{oops'), /JSON/));
    it('EZKL-style input works', async () => {
      const r = await zk('prove', build, '--input', `${mlp}/input.ezkl.json`, '-o', join(TMP, 'ezkl-proof.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /predicted class: 7/);
    });
  });

  describe('bad builds and proofs', () => {
    it('build dir missing artifacts', async () => {
      const partial = join(TMP, 'partial');
      cpSync(build, partial, { recursive: true });
      rmSync(join(partial, 'model.zkey'));
      assertCleanError(await zk('prove', partial, '--input', `${mlp}/input.json`, '-o', join(TMP, 'p.json')), /model\.zkey/);
      rmSync(join(partial, 'manifest.json'));
      assertCleanError(await zk('prove', partial, '--input', `${mlp}/input.json`, '-o', join(TMP, 'p.json')), /manifest/);
    });
    it('malformed proof JSON', async () => {
      const f = join(TMP, 'bad-proof.json');
      writeFileSync(f, '{"proof": {"pi_a": [1]}, "publicSignals": []}');
      assertCleanError(await zk('verify', build, f), /proof/i);
      writeFileSync(f, 'not json');
      assertCleanError(await zk('verify', build, f), /JSON/);
    });
    it('prove → verify round trip, --json, and a tampered proof exits 1', async () => {
      const proof = join(TMP, 'proof-ok.json');
      const p = await zk('--json', 'prove', build, '--input', `${mlp}/input.json`, '-o', proof);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(JSON.parse(p.stdout).ok, true);
      const v = await zk('verify', build, proof);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /verified/);
      const json = JSON.parse((await import('node:fs')).readFileSync(proof, 'utf8'));
      json.publicSignals[0] = (BigInt(json.publicSignals[0]) + 1n).toString();
      writeFileSync(proof, JSON.stringify(json));
      const t = await zk('verify', build, proof);
      assert.equal(t.code, 1);
      assert.match(t.stdout, /NOT verified/);
    });
  });

  it('a failed compile leaves no partial artifacts and keeps the previous build intact', async () => {
    const out = join(TMP, 'atomic');
    const ok = await zk('compile', `${mlp}/model.onnx`, '-o', out, '--calibration', `${mlp}/samples.json`);
    assert.equal(ok.code, 0, ok.stderr);
    const before = readdirSync(out).sort();
    const bad = await zk('compile', 'test/fixtures/onnx/unsupported-op/model.onnx', '-o', out);
    assert.equal(bad.code, 1);
    assert.deepEqual(readdirSync(out).sort(), before);
    assert.deepEqual(readdirSync(TMP).filter((f) => f.includes('.stage-')), [], 'no staging folders left');
  });
});
