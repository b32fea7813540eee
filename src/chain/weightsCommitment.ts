/** The weights commitment of a committed-weights build (its weights.json), for registering the model. */
import type { Manifest } from '../manifest.ts';
import { commitWeights } from '../prover/commitment/buildCommitments.ts';
import { readWeightsFile, weightsFileOf } from '../prover/commitment/weightsFile.ts';
import { buildPaths } from '../paths.ts';

export async function buildWeightsCommitment(buildDir: string, manifest: Manifest): Promise<bigint> {
  const weights = await readWeightsFile(weightsFileOf(buildPaths(buildDir).dir), manifest);
  return (await commitWeights(manifest, weights)).value;
}
