/**
 * Test helpers for the prover: compile the hand-written fixture circuits (test/prover/fixtures)
 * with circom2 into build/test-prover/<name>/ and write a hand-made manifest for them.
 * circom2 cannot read above its working directory, so the circuit is copied into the build
 * folder as model.circom and compiled there.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest, TensorEncoding } from '../../src/manifest.ts';
import { buildPaths } from '../../src/paths.ts';
import { layoutPublicSignals } from '../../src/prover/publicSignals.ts';
import { readR1csInfo } from '../../src/prover/r1csInfo.ts';
import { sha256, toJson, writeFileAtomic } from '../../src/util/files.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'test/prover/fixtures');
export const OUT = join(ROOT, 'build/test-prover');

/** The fixture circuits' constants (see the .circom headers). */
export const Y_LO = -(2n ** 60n + 128n);
export const Y_HI = 2n ** 60n + 128n;
export const Z_LO = -16384n;
export const Z_HI = 16384n;

export const X_ENCODING: TensorEncoding = { name: 'x', shape: [1, 4], scale: 4, zeroPoint: '0', lo: '-128', hi: '127', bits: 8 };

/** Reference outputs of the fixture circuits for input q. */
export function reference(q: bigint[]): { y: bigint[]; z: bigint[] } {
  const y = Array.from({ length: 7 }, (_, j) => BigInt(j + 1) * 2n ** 50n * q[j % 4] + q[(j + 1) % 4]);
  return { y, z: [q[0] * q[1], q[2] + q[3]] };
}

export function fixtureManifest(name: string, visibility: 'private' | 'public', circuit: Manifest['circuit']): Manifest {
  const layout = layoutPublicSignals([
    { role: 'output', tensor: 'y', count: 7, lo: Y_LO, hi: Y_HI },
    { role: 'output', tensor: 'z', count: 2, lo: Z_LO, hi: Z_HI },
    ...(visibility === 'public' ? [{ role: 'input' as const, tensor: 'x', count: 4, lo: -128n, hi: 127n }] : []),
  ]);
  return {
    toolkit: { name: 'zkinfer', version: '0.1.0' },
    name,
    onnx: { file: `${name}.onnx`, sha256: sha256(name), opset: 13 },
    options: {},
    visibility: { input: visibility, output: 'public', weights: 'constant' },
    inputs: [X_ENCODING],
    outputs: [
      { name: 'y', shape: [1, 7], scale: 4, zeroPoint: '0', lo: Y_LO.toString(), hi: Y_HI.toString(), bits: 62 },
      { name: 'z', shape: [2], scale: 0, zeroPoint: '0', lo: Z_LO.toString(), hi: Z_HI.toString(), bits: 16 },
    ],
    publicSignals: layout,
    quantization: { layers: [] },
    circuit,
  };
}

/**
 * Compiles fixture `<fixture>.circom` into build/test-prover/<name>/ (once per content) and
 * writes its manifest (without a setup block). Returns the build directory.
 */
export async function buildFixture(fixture: string, name: string, visibility: 'private' | 'public'): Promise<string> {
  const dir = join(OUT, name);
  const paths = buildPaths(dir);
  const source = await readFile(join(FIXTURES, `${fixture}.circom`));
  const fresh = await stat(paths.r1cs).then(
    async () => sha256(await readFile(paths.circom).catch(() => new Uint8Array())) === sha256(source),
    () => false,
  );
  if (!fresh) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await copyFile(join(FIXTURES, `${fixture}.circom`), paths.circom);
    execFileSync(join(ROOT, 'node_modules/.bin/circom2'), ['model.circom', '--r1cs', '--wasm', '--sym', '--O2', '-o', '.'], { cwd: dir, stdio: 'pipe' });
  }
  const r1cs = await readR1csInfo(paths.r1cs);
  const manifest = fixtureManifest(name, visibility, {
    constraints: r1cs.nConstraints,
    linearConstraints: 0,
    wires: r1cs.nWires,
    privateInputs: r1cs.nPrvInputs,
    publicInputs: r1cs.nPubInputs,
    outputs: r1cs.nOutputs,
    r1csSha256: sha256(await readFile(paths.r1cs)),
    sourceSha256: sha256(source),
    circom: '2.2.3',
  });
  await writeFileAtomic(paths.manifest, toJson(manifest) + '\n');
  return dir;
}
