/**
 * A committed-weights build's private files: weights.json (mode 0600: the model's quantized
 * weights in commitment order and the salt of their commitment), and the salt itself. The salt
 * is kept from an existing weights.json of the same build (recompiling does not change the
 * commitment), unless one is given; else it is fresh and random.
 * The same salt blinds the manifest's ONNX hash (onnx.blinded): a public sha256 of the ONNX file
 * would let anyone holding a candidate model test it, which is what the salt prevents.
 */
import { existsSync } from 'node:fs';
import type { Manifest } from '../../manifest.ts';
import { randomSalt } from '../../prover/commitment/commitment.ts';
import { readWeightsFile, weightsFileOf, writeWeightsFile } from '../../prover/commitment/weightsFile.ts';
import { sha256 } from '../../util/files.ts';
import type { IntGraph } from '../integer/ir.ts';
import { extractWeights } from './weights.ts';

export async function resolveWeightsSalt(buildDir: string, given?: bigint): Promise<bigint> {
  if (given !== undefined) return given;
  const file = weightsFileOf(buildDir);
  const kept = existsSync(file) ? await readWeightsFile(file).then((w) => w.salt, () => undefined) : undefined;
  return kept ?? randomSalt();
}

/** sha256 of the ONNX bytes salted with the weights salt (manifest onnx.sha256 when onnx.blinded). */
export function blindedOnnxHash(bytes: Uint8Array, salt: bigint): string {
  const prefix = new TextEncoder().encode(`zkinfer-blinded-onnx/1:${salt}:`);
  const all = new Uint8Array(prefix.length + bytes.length);
  all.set(prefix);
  all.set(bytes, prefix.length);
  return sha256(all);
}

export async function writeBuildWeights(buildDir: string, manifest: Manifest, g: IntGraph, salt: bigint): Promise<void> {
  await writeWeightsFile(weightsFileOf(buildDir), manifest.name, { values: extractWeights(g, manifest.weights!), salt });
}
