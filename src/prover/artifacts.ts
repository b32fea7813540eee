/**
 * loadBuild: a build directory's manifest and artifact paths, checked.
 *
 * Every artifact the caller needs must exist, and the ones the manifest hashes (model.r1cs,
 * model.zkey, verification_key.json) must match their recorded sha256: a mismatch means a
 * file was replaced or regenerated without the manifest (design §5), so proofs or setups
 * made from it would silently disagree. Each error names the file and the command that
 * regenerates it.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { buildPaths, type BuildPaths } from '../paths.ts';
import { sha256, toJson, writeFileAtomic } from '../util/files.ts';

export type ArtifactName = 'r1cs' | 'wasm' | 'zkey' | 'vkey' | 'verifierSol';

export interface LoadBuildOptions {
  /** The trusted setup must have been run (manifest.setup, zkey, vkey). */
  needSetup?: boolean;
  /**
   * Artifacts to check (exist + hash). Default: r1cs, plus zkey and vkey when needSetup.
   * 'wasm' also checks the witness calculator next to it.
   */
  artifacts?: ArtifactName[];
}

export interface LoadedBuild {
  dir: string;
  paths: BuildPaths;
  manifest: Manifest;
  /** Paths of the circom witness generator. */
  witnessCalculator: string;
}

const COMPILE = '`zkinfer compile`';
const SETUP = (dir: string): string => `\`zkinfer setup ${dir}\` (or \`zkinfer setup --dev ${dir}\`)`;

export async function loadBuild(buildDir: string, options: LoadBuildOptions = {}): Promise<LoadedBuild> {
  const paths = buildPaths(buildDir);
  const manifest = await readManifest(paths);
  const wanted = new Set<ArtifactName>(options.artifacts ?? (options.needSetup ? ['r1cs', 'zkey', 'vkey'] : ['r1cs']));
  const witnessCalculator = join(paths.dir, 'model_js', 'witness_calculator.js');
  if (options.needSetup && !manifest.setup) {
    throw new ArtifactError('SETUP_MISSING', `${paths.manifest} has no trusted setup yet (no setup block)`, {
      fix: `run ${SETUP(buildDir)}`,
      details: { file: paths.manifest },
    });
  }
  if (wanted.has('r1cs')) await checkHash(paths.r1cs, manifest.circuit.r1csSha256, 'circuit.r1csSha256', `recompile with ${COMPILE}`);
  if (wanted.has('wasm')) {
    await mustExist(paths.wasm, `recompile with ${COMPILE} (it writes model_js/)`);
    await mustExist(witnessCalculator, `recompile with ${COMPILE} (it writes model_js/)`);
  }
  const setup = manifest.setup;
  const needsSetupBlock = (what: string): NonNullable<Manifest['setup']> => {
    if (!setup) {
      throw new ArtifactError('SETUP_MISSING', `${what} needs the trusted setup, but ${paths.manifest} has none`, {
        fix: `run ${SETUP(buildDir)}`,
        details: { file: paths.manifest },
      });
    }
    return setup;
  };
  if (wanted.has('zkey')) await checkHash(paths.zkey, needsSetupBlock(paths.zkey).zkeySha256, 'setup.zkeySha256', `run ${SETUP(buildDir)}`);
  if (wanted.has('vkey')) await checkHash(paths.vkey, needsSetupBlock(paths.vkey).vkeySha256, 'setup.vkeySha256', `run ${SETUP(buildDir)}`);
  if (wanted.has('verifierSol')) await mustExist(paths.verifierSol, `run ${SETUP(buildDir)}`);
  return { dir: buildDir, paths, manifest, witnessCalculator };
}

export async function readManifest(paths: BuildPaths): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(paths.manifest, 'utf8');
  } catch (e) {
    throw new ArtifactError('MANIFEST_MISSING', `${paths.manifest} not found: ${paths.dir} is not a compiled zkinfer build`, {
      cause: e,
      fix: `compile the model first with ${COMPILE} (or pass the build directory it wrote)`,
      details: { file: paths.manifest },
    });
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new ArtifactError('MANIFEST_INVALID', `${paths.manifest} is not valid JSON (${(e as Error).message})`, {
      cause: e,
      fix: `recompile with ${COMPILE}`,
      details: { file: paths.manifest },
    });
  }
  const problem = manifestProblem(m);
  if (problem) {
    throw new ArtifactError('MANIFEST_INVALID', `${paths.manifest} is not a zkinfer manifest: ${problem}`, {
      fix: `recompile with ${COMPILE}`,
      details: { file: paths.manifest },
    });
  }
  return m as Manifest;
}

/** Writes manifest.json atomically. */
export async function writeManifest(paths: BuildPaths, manifest: Manifest): Promise<void> {
  await writeFileAtomic(paths.manifest, toJson(manifest) + '\n');
}

function manifestProblem(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'not an object';
  const o = m as Record<string, any>;
  if (o.toolkit?.name !== 'zkinfer') return 'toolkit.name is not "zkinfer"';
  if (!Array.isArray(o.inputs) || !Array.isArray(o.outputs)) return 'inputs/outputs missing';
  if (typeof o.publicSignals?.total !== 'number' || !Array.isArray(o.publicSignals?.groups)) return 'publicSignals layout missing';
  if (typeof o.circuit?.r1csSha256 !== 'string') return 'circuit.r1csSha256 missing';
  if (!['private', 'public', 'hashed'].includes(o.visibility?.input)) return 'visibility.input missing';
  if (o.visibility?.output !== undefined && !['public', 'hashed'].includes(o.visibility.output)) return 'visibility.output is not public or hashed';
  if (o.visibility?.weights === 'committed' && typeof o.weights?.count !== 'number') return 'weights layout missing (weights committed)';
  return undefined;
}

async function mustExist(file: string, fix: string): Promise<void> {
  try {
    await stat(file);
  } catch (e) {
    throw new ArtifactError('ARTIFACT_MISSING', `${file} is missing`, { cause: e, fix, details: { file } });
  }
}

/** The file exists and its sha256 is `expected` (returns its bytes). */
export async function checkHash(file: string, expected: string, field: string, fix: string): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = await readFile(file);
  } catch (e) {
    throw new ArtifactError('ARTIFACT_MISSING', `${file} is missing`, { cause: e, fix, details: { file } });
  }
  assertHash(file, data, expected, field, fix);
  return data;
}

export function assertHash(file: string, data: Uint8Array, expected: string, field: string, fix: string): void {
  const actual = sha256(data);
  if (actual !== expected) {
    throw new ArtifactError(
      'ARTIFACT_HASH_MISMATCH',
      `${file} does not match the manifest: sha256 ${actual.slice(0, 16)}… but ${field} is ${String(expected).slice(0, 16)}… (changed or regenerated separately)`,
      { fix, details: { file, actual, expected, field } },
    );
  }
}
