/**
 * beacon: the final, public-randomness contribution of a phase-2 ceremony (snarkjs zkey
 * beacon): anyone can recompute it from the published beacon value (e.g. a future block hash).
 */
import { SetupError } from '../errors.ts';
import { applyContribution, type ContributionResult } from './contribute.ts';
import { loadSnarkjs, recordingLogger } from './lib/snarkjs.ts';

export interface BeaconParams {
  buildDir: string;
  /** Public random value, hexadecimal (e.g. a block hash, without 0x). */
  beaconHash: string;
  /** The beacon is hashed 2^iterationsExp times (10 … 63, default 10). */
  iterationsExp?: number;
  name?: string;
}

export async function beacon(params: BeaconParams): Promise<ContributionResult> {
  const hex = params.beaconHash.replace(/^0x/i, '');
  const exp = params.iterationsExp ?? 10;
  if (!/^([0-9a-fA-F]{2}){1,255}$/.test(hex)) {
    throw new SetupError('BEACON_HASH', `the beacon value must be 1–255 bytes of hexadecimal, got ${JSON.stringify(params.beaconHash.slice(0, 40))}`, {
      fix: 'pass e.g. a block hash: --beacon 0x4a3f…',
    });
  }
  if (!Number.isInteger(exp) || exp < 10 || exp > 63) {
    throw new SetupError('BEACON_ITERATIONS', `beacon iterations exponent ${exp} is outside 10 … 63`, { fix: 'use an exponent from 10 to 63' });
  }
  return applyContribution(params.buildDir, async (oldZkey, newZkey) => {
    const snarkjs = await loadSnarkjs();
    const logger = recordingLogger();
    const hash = await snarkjs.zKey.beacon(oldZkey, newZkey, params.name ?? 'zkinfer beacon', hex, exp, logger);
    if (!(hash instanceof Uint8Array)) {
      throw new SetupError('BEACON_FAILED', `snarkjs rejected the beacon: ${logger.errors.join('; ') || 'unknown error'}`, { fix: 'check the beacon value and exponent' });
    }
    return hash;
  });
}
