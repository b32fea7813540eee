/**
 * verifySetup: checks a build's zkey against its circuit and powers of tau (snarkjs zkey
 * verify: every contribution chain link and the key's consistency with r1cs + ptau), and that
 * verification_key.json is the key's own.
 */
import { readFile } from 'node:fs/promises';
import { SetupError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { sha256 } from '../util/files.ts';
import { loadBuild } from './artifacts.ts';
import { loadSnarkjs, type SnarkLogger } from './lib/snarkjs.ts';
import { readPtauInfo } from './ptau/ptauInfo.ts';
import { resolvePtauPath } from './setup.ts';
import { exportKeys } from './setupFiles.ts';

export interface VerifySetupParams {
  buildDir: string;
  /** The ptau the setup used (default: the one recorded in the manifest). */
  ptau?: string;
}

export interface VerifySetupResult {
  valid: boolean;
  /** The zkey matches the circuit and ptau (snarkjs zkey verify). */
  zkeyValid: boolean;
  /** verification_key.json is exported from this zkey. */
  vkeyMatches: boolean;
  ptau: string;
  /** The ptau is zkinfer's insecure dev ptau. */
  insecure: boolean;
  /** snarkjs's report (contributions and hashes). */
  log: string[];
  errors: string[];
}

export async function verifySetup(params: VerifySetupParams): Promise<VerifySetupResult> {
  const { paths, manifest } = await loadBuild(params.buildDir, { needSetup: true, artifacts: ['r1cs', 'zkey', 'vkey'] });
  const setup = manifest.setup as NonNullable<Manifest['setup']>;
  const ptau = params.ptau ?? resolvePtauPath(paths.dir, setup.ptau.path);
  const info = await readPtauInfo(ptau);
  if (!params.ptau && info.sha256 !== setup.ptau.sha256) {
    throw new SetupError('PTAU_HASH_MISMATCH', `${ptau} is not the ptau this setup used (sha256 differs from the manifest's)`, {
      fix: 'pass the original ptau file with --ptau',
      details: { file: ptau },
    });
  }
  const log: string[] = [];
  const errors: string[] = [];
  const logger: SnarkLogger = {
    debug: () => {},
    info: (m) => log.push(String(m)),
    warn: (m) => log.push(String(m)),
    error: (m) => errors.push(String(m)),
  };
  const snarkjs = await loadSnarkjs();
  let zkeyValid: boolean;
  try {
    zkeyValid = await snarkjs.zKey.verifyFromR1cs(paths.r1cs, ptau, paths.zkey, logger);
  } catch (e) {
    zkeyValid = false;
    errors.push((e as Error).message);
  }
  const keys = await exportKeys(paths.zkey);
  const vkeyMatches = sha256(await readFile(paths.vkey)) === keys.vkeySha256;
  if (!vkeyMatches) errors.push(`${paths.vkey} is not the verification key of ${paths.zkey}`);
  return { valid: zkeyValid && vkeyMatches, zkeyValid, vkeyMatches, ptau, insecure: info.insecureDev, log, errors };
}
