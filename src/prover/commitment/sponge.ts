/**
 * The Poseidon sponge of circuits/poseidon_sponge.circom, with circomlibjs (bit for bit):
 * state [domain, 0, …] of width rate + 1; per chunk of `rate` elements (the last zero-padded)
 * add the chunk into state[1 …], permute; the result is state[0].
 */
import { BN128_R } from '../ptau/ptauFormat.ts';
import { loadPoseidon } from './poseidon.ts';

export async function poseidonSponge(elements: readonly bigint[], rate: number, domain: bigint): Promise<bigint> {
  if (elements.length < 1 || !Number.isInteger(rate) || rate < 1 || rate > 16) {
    throw new RangeError(`poseidonSponge: need ≥ 1 element and 1 ≤ rate ≤ 16 (got ${elements.length}, ${rate})`);
  }
  for (const e of elements) if (e < 0n || e >= BN128_R) throw new RangeError('poseidonSponge: element outside the field');
  const p = await loadPoseidon();
  let state: bigint[] = [domain, ...new Array<bigint>(rate).fill(0n)];
  for (let c = 0; c * rate < elements.length; c++) {
    const inputs = Array.from({ length: rate }, (_, i) => {
      const k = c * rate + i;
      return (state[1 + i] + (k < elements.length ? elements[k] : 0n)) % BN128_R;
    });
    state = p.permute(inputs, state[0], rate + 1);
  }
  return state[0];
}
