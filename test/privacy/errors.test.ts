/**
 * The privacy options as a user meets their mistakes: every one is a one-line error with a fix
 * (exit code 1, no stack trace, no half-written file), and a salt file is private (mode 0600).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readSaltFile } from '../../src/prover/commitment/salts.ts';
import { readWeightsFile } from '../../src/prover/commitment/weightsFile.ts';
import { ROOT, fixtureDir, prebuildMlp, privacyBuild } from './builds.ts';

const run = promisify(execFile);
const TMP = join(ROOT, 'errors');
const INPUT = join(fixtureDir('digits-mlp'), 'input.json');

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

describe('privacy options: errors and secret files', function () {
  this.timeout(600_000);
  let plain: string;
  let hashed: string;
  let committed: string;

  before(async function () {
    this.timeout(1_800_000);
    await prebuildMlp();
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
    plain = (await privacyBuild('digits-mlp', { input: 'private', output: 'public', weights: 'constant' })).paths.dir;
    hashed = (await privacyBuild('digits-mlp', { input: 'hashed', output: 'hashed', weights: 'constant' })).paths.dir;
    committed = (await privacyBuild('digits-mlp', { input: 'private', output: 'public', weights: 'committed' })).paths.dir;
  });

  it('compile refuses an unknown visibility', async () => {
    assertCleanError(await zk('compile', join(fixtureDir('digits-mlp'), 'model.onnx'), '-o', join(TMP, 'x'), '--weights', 'secret'), /--weights must be one of constant, committed/);
    assertCleanError(await zk('compile', join(fixtureDir('digits-mlp'), 'model.onnx'), '-o', join(TMP, 'x'), '--output', 'private'), /--output must be one of public, hashed/);
    assert.equal(existsSync(join(TMP, 'x')), false);
  });

  it('commit: nothing asked, nothing to commit to, or a salted commitment without a salt file', async () => {
    assertCleanError(await zk('commit', hashed), /nothing to commit/);
    assertCleanError(await zk('commit', plain, '--input', INPUT, '--salt', join(TMP, 's.json')), /no input or output commitment/);
    assertCleanError(await zk('commit', plain, '--weights'), /constant weights/);
    assertCleanError(await zk('commit', hashed, '--input', INPUT), /salted: pass --salt/);
    assert.equal(existsSync(join(TMP, 's.json')), false, 'no salt file for a build without commitments');
  });

  it('commit creates a private salt file once; prove without it fails cleanly and writes no proof', async () => {
    const salts = join(TMP, 'salts.json');
    const first = await zk('commit', hashed, '--input', INPUT, '--salt', salts);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /wrote fresh random input and output salts/);
    assert.equal(statSync(salts).mode & 0o777, 0o600, 'the salt file is readable by its owner only');
    const s = await readSaltFile(salts);
    assert.ok(s.input! > 1n << 200n && s.output! > 1n << 200n && s.input !== s.output, 'fresh random salts');
    const again = await zk('commit', hashed, '--input', INPUT, '--salt', salts);
    assert.doesNotMatch(again.stdout, /wrote fresh/);
    assert.deepEqual(await readSaltFile(salts), s, 'kept');
    const proof = join(TMP, 'p.json');
    assertCleanError(await zk('prove', hashed, '--input', INPUT, '-o', proof), /private salt, and none was given/);
    assertCleanError(await zk('prove', hashed, '--input', INPUT, '-o', proof, '--salt', join(TMP, 'nope.json')), /salt file not found/);
    assert.equal(existsSync(proof), false);
  });

  it('malformed salt and weights files are refused with the file named', async () => {
    const bad = join(TMP, 'bad-salts.json');
    writeFileSync(bad, JSON.stringify({ input: '12', extra: '3' }));
    await assert.rejects(readSaltFile(bad), /unknown key "extra"/);
    writeFileSync(bad, JSON.stringify({ input: '-5' }));
    await assert.rejects(readSaltFile(bad), /non-negative decimal/);
    const w = join(TMP, 'weights.json');
    writeFileSync(w, JSON.stringify({ format: 'zkinfer-weights/1', salt: '1', values: ['1', '2'] }));
    const short = await zk('prove', committed, '--input', INPUT, '-o', join(TMP, 'q.json'), '--weights', w);
    assertCleanError(short, /holds 2 weights, but .* takes 2410/);
    assert.equal(statSync(join(committed, 'weights.json')).mode & 0o777, 0o600, 'weights.json is private');
    await assert.rejects(readWeightsFile(join(TMP, 'none.json')), /weights file not found/);
  });
});
