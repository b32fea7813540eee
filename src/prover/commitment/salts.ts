/**
 * Salt files: the private salts of a prover's input and output commitments (design §4).
 *
 *   { "input": "<decimal>", "output": "<decimal>" }      (mode 0600; either key may be absent)
 *
 * Why: a commitment to a low-entropy value (an 8×8 digit, a class label) could be brute-forced
 * from the public commitment by hashing every candidate; a random 248-bit salt, absorbed first,
 * makes that hopeless. The data owner creates the file once (`zkinfer commit <build> --input x.json
 * --salt s.json` writes fresh random salts when s.json does not exist), publishes the printed
 * commitment, and gives the file only to whoever proves (`zkinfer prove … --salt s.json`) or must
 * open the commitment. A salt of 0 means unsalted (deterministic, brute-forceable) commitments.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors.ts';
import type { Manifest } from '../../manifest.ts';
import { toJson } from '../../util/files.ts';
import { checkSalt, randomSalt } from './commitment.ts';
import { writePrivateFile } from './privateFile.ts';

export interface Salts {
  input?: bigint;
  output?: bigint;
}

/** Which salts a build needs: input (input 'hashed') and output (output 'hashed'). */
export function neededSalts(manifest: Manifest): Array<keyof Salts> {
  const need: Array<keyof Salts> = [];
  if (manifest.visibility.input === 'hashed') need.push('input');
  if (manifest.visibility.output === 'hashed') need.push('output');
  return need;
}

export async function readSaltFile(file: string): Promise<Salts> {
  if (!existsSync(file)) {
    throw new InputError('SALT_FILE_MISSING', `salt file not found: ${file}`, {
      fix: `create it with \`zkinfer commit <build> --input <input.json> --salt ${file}\` (it writes fresh random salts), or pass the file the data owner gave you`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError('SALT_FILE_JSON', `${file} is not valid JSON: ${(e as Error).message}`, { fix: 'write { "input": "<decimal>", "output": "<decimal>" }' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError('SALT_FILE_FORMAT', `${file} must be a JSON object { "input": "<decimal>", "output": "<decimal>" }`, { fix: 'write the salts as decimal strings' });
  }
  const out: Salts = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (k !== 'input' && k !== 'output') {
      throw new InputError('SALT_FILE_FORMAT', `${file} has an unknown key "${k}" (expected "input" and/or "output")`, { fix: 'remove it' });
    }
    if ((typeof v !== 'string' && typeof v !== 'number') || !/^[0-9]+$/.test(String(v))) {
      throw new InputError('SALT_FILE_FORMAT', `${file}: "${k}" must be a non-negative decimal integer string`, { fix: 'write e.g. "12345…" (below the BN254 field modulus)' });
    }
    out[k] = BigInt(v);
    checkSalt(out[k]!);
  }
  return out;
}

/**
 * The salts in `file` (created with fresh random salts for `needed` when it does not exist; a
 * missing key is added to an existing file). `created` lists the keys that were generated now.
 */
export async function ensureSaltFile(file: string, needed: Array<keyof Salts>): Promise<{ salts: Salts; created: Array<keyof Salts> }> {
  const salts = existsSync(file) ? await readSaltFile(file) : {};
  const created = needed.filter((k) => salts[k] === undefined);
  if (created.length > 0) {
    for (const k of created) salts[k] = randomSalt();
    await writePrivateFile(file, toJson({ input: salts.input, output: salts.output }) + '\n');
  }
  return { salts, created };
}

/** The salts a proof of this build needs, from `salts`; a clear error when one is missing. */
export function requireSalts(manifest: Manifest, salts: Salts | undefined): Salts {
  for (const k of neededSalts(manifest)) {
    if (salts?.[k] === undefined) {
      throw new InputError('SALT_MISSING', `${manifest.name} commits to its ${k}s with a private salt, and none was given`, {
        fix: 'pass the salt file (zkinfer prove … --salt salts.json; library: prove(input, { salts }))',
      });
    }
    checkSalt(salts[k]!);
  }
  return salts ?? {};
}
