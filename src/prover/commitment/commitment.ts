/**
 * Commitments of zkinfer builds (design §4, manifest CommitmentLayout): layout construction
 * (shared with the compiler, so the circuit and this code cannot disagree on the parameters)
 * and the value, computed with circomlibjs's Poseidon exactly as the circuit does.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../../errors.ts';
import type { CommitmentLayout, CommitmentRole } from '../../manifest.ts';
import { BN128_R } from '../ptau/ptauFormat.ts';
import { packedElements, packRuns, type Run } from './pack.ts';
import { poseidonSponge } from './sponge.ts';

export const COMMITMENT_SCHEME = 'poseidon-sponge-v1';
export const ROLE_ID: Record<CommitmentRole, number> = { inputCommitment: 1, outputCommitment: 2, weightsCommitment: 3 };

/** The layout of a commitment to `runs` for `role`: rate and domain follow from the element count. */
export function commitmentLayout(role: CommitmentRole, runs: Run[]): CommitmentLayout {
  const elements = 1 + packedElements(runs);
  return {
    scheme: COMMITMENT_SCHEME,
    domain: ((BigInt(ROLE_ID[role]) << 64n) + BigInt(elements)).toString(),
    rate: Math.min(16, elements),
    elements,
    runs,
  };
}

/** The commitment to `values` (all runs, in order) with `salt`. */
export async function computeCommitment(layout: CommitmentLayout, values: readonly bigint[], salt: bigint): Promise<bigint> {
  if (layout.scheme !== COMMITMENT_SCHEME) {
    throw new InputError('COMMIT_SCHEME', `unknown commitment scheme '${layout.scheme}'`, { fix: 'use the zkinfer version that compiled the build' });
  }
  checkSalt(salt);
  const elements = [salt, ...packRuns(values, layout.runs)];
  if (elements.length !== layout.elements) {
    throw new InputError('COMMIT_LAYOUT', `the layout says ${layout.elements} elements but the runs pack into ${elements.length}`, { fix: 'recompile the build' });
  }
  return poseidonSponge(elements, layout.rate, BigInt(layout.domain));
}

export function checkSalt(salt: bigint): void {
  if (typeof salt !== 'bigint' || salt < 0n || salt >= BN128_R) {
    throw new InputError('SALT_RANGE', 'a salt must be an integer in [0, p) (the BN254 scalar field)', { fix: 'generate one with `zkinfer commit --salt <new file>`' });
  }
}

/** A fresh random salt: 248 random bits (below p). */
export function randomSalt(): bigint {
  return BigInt(`0x${randomBytes(31).toString('hex')}`);
}
