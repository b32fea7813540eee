/**
 * weights.json: the PRIVATE weights of a committed-weights build (the model's quantized
 * parameters in commitment order, manifest WeightsLayout) and the salt of their commitment.
 * Written by compile (mode 0600), read by the prover and `zkinfer commit --weights`; another
 * file of the same form holds other weights for the same circuit (same architecture and scales).
 * Keep it secret: the weights commitment hides the weights only as long as the salt is unknown.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, InputError } from '../../errors.ts';
import type { Manifest } from '../../manifest.ts';
import { toJson } from '../../util/files.ts';
import { writePrivateFile } from './privateFile.ts';
import { checkSalt } from './commitment.ts';

export const WEIGHTS_FILE = 'weights.json';
export const weightsFileOf = (buildDir: string): string => join(buildDir, WEIGHTS_FILE);

export interface WeightsFile {
  /** Parameters in commitment order. */
  values: bigint[];
  salt: bigint;
}

interface WeightsJson {
  format: 'zkinfer-weights/1';
  note: string;
  model: string;
  count: number;
  salt: string;
  values: string[];
}

export async function writeWeightsFile(file: string, model: string, w: WeightsFile): Promise<void> {
  checkSalt(w.salt);
  const json: WeightsJson = {
    format: 'zkinfer-weights/1',
    note: 'PRIVATE: quantized weights and the salt of their commitment. Keep this file secret.',
    model,
    count: w.values.length,
    salt: w.salt.toString(),
    values: w.values.map(String),
  };
  await writePrivateFile(file, toJson(json, 0) + '\n');
}

export async function readWeightsFile(file: string, manifest?: Manifest): Promise<WeightsFile> {
  if (!existsSync(file)) {
    throw new ArtifactError('WEIGHTS_MISSING', `weights file not found: ${file}`, {
      fix: 'compile the model with --weights committed (it writes weights.json into the build), or pass the weights file',
    });
  }
  let json: WeightsJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as WeightsJson;
  } catch (e) {
    throw new InputError('WEIGHTS_JSON', `${file} is not valid JSON: ${(e as Error).message}`, { fix: 'restore the weights file written by zkinfer compile' });
  }
  const bad = (why: string) => new InputError('WEIGHTS_FORMAT', `${file} is not a zkinfer weights file: ${why}`, { fix: 'restore the weights file written by zkinfer compile' });
  if (json?.format !== 'zkinfer-weights/1' || !Array.isArray(json.values) || typeof json.salt !== 'string') throw bad('missing format, values or salt');
  const big = (s: unknown, what: string): bigint => {
    if (typeof s !== 'string' && typeof s !== 'number') throw bad(`${what} is not an integer`);
    if (!/^-?[0-9]+$/.test(String(s))) throw bad(`${what} is not an integer`);
    return BigInt(s);
  };
  const values = json.values.map((v, i) => big(v, `values[${i}]`));
  const salt = big(json.salt, 'salt');
  checkSalt(salt);
  if (manifest?.weights && values.length !== manifest.weights.count) {
    throw new InputError('WEIGHTS_COUNT', `${file} holds ${values.length} weights, but ${manifest.name} takes ${manifest.weights.count}`, {
      fix: 'use the weights file of a model with the same architecture as this build',
    });
  }
  return { values, salt };
}
