/**
 * Shared by setup, contribute and beacon: derive verification_key.json and Verifier.sol from a
 * zkey, and install a new zkey + keys + manifest as one step.
 *
 * Everything is first written to temporary files in the build directory; only when all exist
 * are they renamed into place, the manifest last. A failure before that removes the temporary
 * files and leaves the build untouched; the manifest hashes make any other inconsistency
 * detectable (loadBuild).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SetupError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import type { BuildPaths } from '../paths.ts';
import { sha256, toJson } from '../util/files.ts';
import { loadSnarkjs, recordingLogger, snarkjsPackageDir } from './lib/snarkjs.ts';

export function tempPath(file: string, tag = 'tmp'): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.${tag}`);
}

let template: Promise<string> | undefined;

/** snarkjs's Groth16 Solidity template (node_modules/snarkjs/templates/verifier_groth16.sol.ejs). */
export function groth16Template(): Promise<string> {
  template ??= readFile(join(snarkjsPackageDir(), 'templates', 'verifier_groth16.sol.ejs'), 'utf8').catch((e) => {
    template = undefined;
    throw new SetupError('SOLIDITY_TEMPLATE', `snarkjs's Groth16 verifier template is missing (${(e as Error).message})`, {
      cause: e,
      fix: 'reinstall snarkjs (npm install)',
    });
  });
  return template;
}

export interface ExportedKeys {
  vkeyJson: string;
  vkeySha256: string;
  verifierSol: string;
}

export async function exportKeys(zkeyFile: string): Promise<ExportedKeys> {
  const snarkjs = await loadSnarkjs();
  const logger = recordingLogger();
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyFile, logger);
  const vkeyJson = toJson(vkey) + '\n';
  const verifierSol = await snarkjs.zKey.exportSolidityVerifier(zkeyFile, { groth16: await groth16Template() }, logger);
  return { vkeyJson, vkeySha256: sha256(vkeyJson), verifierSol };
}

/** Temporary files staged for one atomic install. */
export class Staged {
  private readonly moves: Array<[string, string]> = [];
  private readonly temps: string[] = [];

  /** A temporary path whose file will become `target`. */
  reserve(target: string): string {
    const tmp = tempPath(target);
    this.temps.push(tmp);
    this.moves.push([tmp, target]);
    return tmp;
  }

  /** A scratch file removed at the end. */
  scratch(near: string, tag: string): string {
    const tmp = tempPath(near, tag);
    this.temps.push(tmp);
    return tmp;
  }

  async write(target: string, data: string | Uint8Array): Promise<void> {
    await writeFile(this.reserve(target), data);
  }

  /** Renames every reserved file into place, in reservation order. */
  async commit(): Promise<void> {
    for (const [tmp, target] of this.moves) await rename(tmp, target);
    this.moves.length = 0;
  }

  /** Removes whatever temporary files remain. */
  async cleanup(): Promise<void> {
    await Promise.all(this.temps.map((t) => rm(t, { force: true })));
  }
}

/** Stages zkey (already written at its reserved path), vkey, Verifier.sol and the manifest. */
export async function stageKeysAndManifest(
  staged: Staged, paths: BuildPaths, zkeyTmp: string, update: (keys: ExportedKeys & { zkeySha256: string }) => Manifest,
): Promise<{ manifest: Manifest; keys: ExportedKeys & { zkeySha256: string } }> {
  const exported = await exportKeys(zkeyTmp);
  const keys = { ...exported, zkeySha256: sha256(await readFile(zkeyTmp)) };
  await staged.write(paths.vkey, keys.vkeyJson);
  await staged.write(paths.verifierSol, keys.verifierSol);
  const manifest = update(keys);
  await staged.write(paths.manifest, toJson(manifest) + '\n');
  return { manifest, keys };
}
