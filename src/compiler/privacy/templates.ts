/**
 * Fingerprint of the templates the privacy parts include (circuits/commit_packed.circom,
 * circuits/poseidon_sponge.circom, circomlib's poseidon): part of the compile cache key when a
 * circuit uses them, empty otherwise (so other builds' cache keys do not change).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../util/files.ts';
import { circuitsDir, nodeModulesDir } from '../circom/runCircom.ts';

export async function privacyTemplatesFingerprint(source: string): Promise<string> {
  if (!source.includes('include "commit_packed.circom";')) return '';
  const files = [
    join(circuitsDir(), 'commit_packed.circom'),
    join(circuitsDir(), 'poseidon_sponge.circom'),
    join(nodeModulesDir(), 'circomlib', 'circuits', 'poseidon.circom'),
    join(nodeModulesDir(), 'circomlib', 'circuits', 'poseidon_constants.circom'),
  ];
  return sha256((await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\0'));
}
