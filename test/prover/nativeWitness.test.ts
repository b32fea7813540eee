/**
 * Native witness generator (src/prover/witnessNative.ts): for every fixture, circom's C++
 * generator built with g++ gives byte-identical .wtns files to the WebAssembly calculator, and
 * proofs made with it verify. No skip when the toolchain is missing: .ci/run installs it
 * (scripts/install-native-deps.sh), and a missing toolchain must fail loudly with its fix.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuild } from '../../src/prover/artifacts.ts';
import { encodeInput } from '../../src/prover/encodeInput.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { verify, verifyProofFile } from '../../src/prover/verify.ts';
import { loadWitness } from '../../src/prover/witness.ts';
import { assertNativeToolchain, ensureNativeWitness, NativeToolchainError, nativeInputJson } from '../../src/prover/witnessNative.ts';
import { FIXTURES, fixtureBuild, readSamples } from '../helpers/fixtureBuild.ts';
import { externalBuild } from '../scale/externalBuild.ts';

const builds: Array<[string, () => Promise<{ paths: { dir: string } }>]> = [
  ...FIXTURES.map((f) => [f, () => fixtureBuild(f)] as [string, () => Promise<{ paths: { dir: string } }>]),
  ['digits-mlp (external linear layers)', () => externalBuild('digits-mlp')],
];

describe('native witness generator', function () {
  this.timeout(900_000);

  before(() => assertNativeToolchain()); // CI installs it: a missing toolchain is a failure, not a skip

  for (const [name, get] of builds) {
    it(`${name}: native and WebAssembly witnesses are byte-identical`, async () => {
      const dir = (await get()).paths.dir;
      const build = await loadBuild(dir, { artifacts: ['wasm'] });
      await ensureNativeWitness(dir, build.manifest, undefined, { cxx: 'O0' }); // fast build; the witness is the same at any level
      const wasm = await loadWitness(build, { witness: 'wasm' });
      const native = await loadWitness(build, { witness: 'native' });
      const samples = readSamples(name.startsWith('digits-cnn') ? 'digits-cnn' : 'digits-mlp');
      for (const i of [0, 1, 7, 19]) {
        const input = encodeInput(build.manifest, samples.inputs[i]);
        const a = await wasm.calculate(input);
        const b = await native.calculate(input);
        assert.equal(b.length, a.length, `sample ${i}: same length`);
        assert.ok(Buffer.from(a).equals(Buffer.from(b)), `sample ${i}: identical bytes`);
      }
    });
  }

  it('a proof with the native witness verifies and equals the WebAssembly one in public signals', async () => {
    const b = await fixtureBuild('digits-cnn');
    const samples = readSamples('digits-cnn');
    const native = await Prover.load(b.paths.dir, { witness: 'native' });
    const wasm = await Prover.load(b.paths.dir);
    try {
      const r = await native.prove(samples.inputs[4]);
      const s = await wasm.prove(samples.inputs[4]);
      assert.deepEqual(r.publicSignals, s.publicSignals);
      assert.equal((await verify(b.paths.dir, r.proof, r.publicSignals)).valid, true);
    } finally {
      await native.close();
      await wasm.close();
    }
  });

  it('zkinfer prove --witness native writes a proof that verifies', async () => {
    const b = await fixtureBuild('digits-mlp');
    const dir = join('build', 'test', 'native-cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'input.json'), JSON.stringify(readSamples('digits-mlp').inputs[6]));
    await promisify(execFile)(process.execPath, ['cli/bin.js', 'prove', b.paths.dir, '--input', join(dir, 'input.json'), '--witness', 'native', '-o', join(dir, 'proof.json')]);
    assert.equal((await verifyProofFile(b.paths.dir, join(dir, 'proof.json'))).valid, true);
  });

  it('negative and large inputs are passed reduced mod p (the C++ reader rejects a minus sign)', () => {
    const json = JSON.parse(nativeInputJson({ in: [-1n, 5n], x: 3n })) as Record<string, string[] | string>;
    assert.deepEqual(json.in, ['21888242871839275222246405745257275088548364400416034343698204186575808495616', '5']);
    assert.equal(json.x, '3');
  });

  it('a missing toolchain is an error naming the tool and the install script', () => {
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), 'zkinfer-nopath-'));
    process.env.PATH = empty;
    try {
      assert.throws(
        () => assertNativeToolchain(),
        (e: unknown) =>
          e instanceof NativeToolchainError && e.code === 'NATIVE_TOOLCHAIN_MISSING' && /g\+\+/.test(e.message) && /nasm/.test(e.message) && /install-native-deps\.sh/.test(e.fix ?? ''),
      );
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
