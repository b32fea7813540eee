/**
 * contribute: one more phase-2 contribution to a build's zkey (multi-party ceremony, design §6).
 * Each contribution changes δ, so the verification key and Verifier.sol are re-exported and
 * the manifest's hashes and contribution count updated, all installed together.
 */
import { randomBytes } from 'node:crypto';
import { SetupError, ZkInferError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { loadBuild } from './artifacts.ts';
import { loadSnarkjs, recordingLogger } from './lib/snarkjs.ts';
import { stageKeysAndManifest, Staged } from './setupFiles.ts';

export interface ContributeParams {
  buildDir: string;
  /** Contributor name recorded in the zkey. */
  name: string;
  /** Extra entropy (snarkjs mixes in fresh random bytes as well). Default: random. */
  entropy?: string;
}

export interface ContributionResult {
  /** snarkjs's contribution hash (hex), for the participant to publish. */
  contributionHash: string;
  zkeySha256: string;
  vkeySha256: string;
  contributions: number;
  manifest: Manifest;
}

export async function contribute(params: ContributeParams): Promise<ContributionResult> {
  return applyContribution(params.buildDir, async (oldZkey, newZkey) => {
    const snarkjs = await loadSnarkjs();
    return snarkjs.zKey.contribute(oldZkey, newZkey, params.name, params.entropy ?? randomBytes(32).toString('hex'), recordingLogger());
  });
}

/** Runs `step(old, new)` on the build's zkey and installs the result with fresh keys. */
export async function applyContribution(
  buildDir: string, step: (oldZkey: string, newZkey: string) => Promise<Uint8Array>,
): Promise<ContributionResult> {
  const { paths, manifest } = await loadBuild(buildDir, { needSetup: true, artifacts: ['zkey', 'vkey'] });
  const setup = manifest.setup as NonNullable<Manifest['setup']>;
  const staged = new Staged();
  try {
    const zkeyTmp = staged.reserve(paths.zkey);
    const hash = await step(paths.zkey, zkeyTmp);
    const { manifest: next, keys } = await stageKeysAndManifest(staged, paths, zkeyTmp, (k) => ({
      ...manifest,
      setup: { ...setup, zkeySha256: k.zkeySha256, vkeySha256: k.vkeySha256, contributions: setup.contributions + 1 },
    }));
    await staged.commit();
    return {
      contributionHash: Buffer.from(hash).toString('hex'),
      zkeySha256: keys.zkeySha256,
      vkeySha256: keys.vkeySha256,
      contributions: setup.contributions + 1,
      manifest: next,
    };
  } catch (e) {
    if (e instanceof ZkInferError) throw e;
    throw new SetupError('CONTRIBUTION_FAILED', `phase-2 contribution failed: ${(e as Error).message}`, { cause: e, fix: 'check the build (`zkinfer setup` again if the zkey is damaged)' });
  } finally {
    await staged.cleanup();
  }
}
