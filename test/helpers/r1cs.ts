/**
 * R1CS witness checking in TypeScript with BigInt: the judge of forged witnesses.
 * A witness w (w[0] = 1) satisfies constraint i iff (A_i·w)·(B_i·w) − C_i·w ≡ 0 (mod p).
 */
import { readR1cs, type LinearCombination, type R1cs } from '../../src/compiler/circom/r1csFile.ts';

export { readR1cs, type R1cs };

/** The BN254 scalar field modulus. */
export const BN254_P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const mod = (x: bigint, p: bigint = BN254_P): bigint => {
  const r = x % p;
  return r < 0n ? r + p : r;
};

function evalLc(lc: LinearCombination, w: bigint[], p: bigint): bigint {
  let acc = 0n;
  for (let t = 0; t < lc.wires.length; t++) acc += lc.coeffs[t] * w[lc.wires[t]];
  return acc % p;
}

export interface WitnessCheck {
  ok: boolean;
  /** Indices of the violated constraints. */
  failing: number[];
}

/** Evaluates every constraint; values of `witness` may be any integers (reduced mod p). */
export function checkWitness(r1cs: R1cs, witness: bigint[]): WitnessCheck {
  const p = r1cs.header.prime;
  if (witness.length !== r1cs.header.nWires) {
    throw new Error(`witness has ${witness.length} values, the circuit has ${r1cs.header.nWires} wires`);
  }
  if (mod(witness[0], p) !== 1n) throw new Error('witness[0] must be 1 (the constant wire)');
  const w = witness.map((x) => mod(x, p));
  const failing: number[] = [];
  r1cs.constraints.forEach((c, i) => {
    const v = (evalLc(c.a, w, p) * evalLc(c.b, w, p) - evalLc(c.c, w, p)) % p;
    if (v !== 0n) failing.push(i);
  });
  return { ok: failing.length === 0, failing };
}
