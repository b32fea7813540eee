/**
 * The packed public-signal codec (design §4, manifest.PackedGroup).
 *
 * Element j of a group is stored as (q_j − lo), a non-negative value below 2^bits, in field
 * element firstSignal + ⌊j / perSignal⌋ at bit position bits·(j mod perSignal). Groups never
 * share a field element. Order (manifest.PackedGroup): outputs, then commitments (one whole
 * field element each: outputCommitment, inputCommitment, weightsCommitment), then inputs.
 * Decoding is strict: a signal ≥ the field modulus, or with bits set above its last slot, is
 * rejected (ProofError), so one set of public signals has exactly one meaning.
 */
import { CircuitError, ProofError } from '../errors.ts';
import type { CommitmentLayout, CommitmentRole, Manifest, PackedGroup, PublicLayout, TensorEncoding } from '../manifest.ts';
import { BN128_R } from './ptau/ptauFormat.ts';

/** Bits available per field element (p ≈ 2^253.6: 252 bits are always below p). */
export const PACK_BITS = 252;

export interface PublicGroupSpec {
  role: PackedGroup['role'];
  tensor: string;
  /** Commitments: 1. */
  count: number;
  /** Smallest and largest integer the group can hold (ignored for commitments). */
  lo: bigint | string | number;
  hi: bigint | string | number;
  /** Commitment roles: how the committed value is computed (copied into the group). */
  commitment?: CommitmentLayout;
}

const COMMITMENT_ORDER: CommitmentRole[] = ['outputCommitment', 'inputCommitment', 'weightsCommitment'];
export const isCommitmentRole = (role: PackedGroup['role']): role is CommitmentRole => (COMMITMENT_ORDER as string[]).includes(role);

const bitLength = (v: bigint): number => (v <= 0n ? 0 : v.toString(2).length);

/** Builds the layout: outputs (in the given order), commitments, then inputs. */
export function layoutPublicSignals(specs: readonly PublicGroupSpec[]): PublicLayout {
  const ordered = [
    ...specs.filter((s) => s.role === 'output'),
    ...COMMITMENT_ORDER.flatMap((role) => specs.filter((s) => s.role === role)),
    ...specs.filter((s) => s.role === 'input'),
  ];
  const groups: PackedGroup[] = [];
  let next = 0;
  for (const s of ordered) {
    if (isCommitmentRole(s.role)) {
      // A commitment is a whole field element (count 1, bits 254, lo 0: not packed).
      groups.push({ role: s.role, tensor: s.tensor, count: 1, bits: 254, lo: '0', perSignal: 1, firstSignal: next, signals: 1, ...(s.commitment ? { commitment: s.commitment } : {}) });
      next += 1;
      continue;
    }
    const lo = BigInt(s.lo);
    const hi = BigInt(s.hi);
    if (!Number.isInteger(s.count) || s.count < 1) {
      throw new CircuitError('PUBLIC_LAYOUT', `public ${s.role} "${s.tensor}" has ${s.count} elements`, { fix: 'public groups need at least one element' });
    }
    if (hi < lo) {
      throw new CircuitError('PUBLIC_LAYOUT', `public ${s.role} "${s.tensor}" has an empty range [${lo}, ${hi}]`, { fix: 'this is a compiler bug: report it' });
    }
    const bits = Math.max(1, bitLength(hi - lo));
    if (bits > PACK_BITS) {
      throw new CircuitError('PUBLIC_LAYOUT', `public ${s.role} "${s.tensor}" needs ${bits} bits per value, more than a field element holds (${PACK_BITS})`, {
        fix: 'narrow the value range (lower output scale or widths)',
      });
    }
    const perSignal = Math.floor(PACK_BITS / bits);
    const signals = Math.ceil(s.count / perSignal);
    groups.push({ role: s.role, tensor: s.tensor, count: s.count, bits, lo: lo.toString(), perSignal, firstSignal: next, signals });
    next += signals;
  }
  return { total: next, groups };
}

/** Packs a group's values (each in [lo, lo + 2^bits)) into its `group.signals` field elements. */
export function packGroup(values: readonly bigint[], group: PackedGroup): bigint[] {
  if (values.length !== group.count) {
    throw new ProofError('PACK_COUNT', `public ${group.role} "${group.tensor}" has ${values.length} values, expected ${group.count}`);
  }
  const lo = BigInt(group.lo);
  const limit = 1n << BigInt(group.bits);
  const out: bigint[] = new Array(group.signals).fill(0n);
  values.forEach((q, j) => {
    const v = q - lo;
    if (v < 0n || v >= limit || v >= BN128_R) {
      throw new ProofError('PACK_RANGE', `public ${group.role} "${group.tensor}" element ${j} = ${q} is outside [${lo}, ${lo + limit - 1n}]`);
    }
    const s = Math.floor(j / group.perSignal);
    out[s] += v << BigInt(group.bits * (j % group.perSignal));
  });
  return out;
}

/** Unpacks a group from the full public-signal array (uses group.firstSignal). */
export function unpackGroup(signals: readonly bigint[], group: PackedGroup): bigint[] {
  if (group.firstSignal + group.signals > signals.length) {
    throw new ProofError('PUBLIC_SIGNALS_LENGTH', `public ${group.role} "${group.tensor}" needs signals ${group.firstSignal}…${group.firstSignal + group.signals - 1}, but there are only ${signals.length}`);
  }
  const lo = BigInt(group.lo);
  const bits = BigInt(group.bits);
  const mask = (1n << bits) - 1n;
  const out: bigint[] = [];
  for (let s = 0; s < group.signals; s++) {
    const index = group.firstSignal + s;
    let v = signals[index];
    if (v < 0n || v >= BN128_R) throw new ProofError('PUBLIC_SIGNAL_RANGE', `public signal ${index} is not a field element (≥ the BN254 scalar field modulus)`);
    const slots = Math.min(group.perSignal, group.count - s * group.perSignal);
    if (v >> (bits * BigInt(slots)) !== 0n) {
      throw new ProofError('PUBLIC_SIGNAL_RANGE', `public signal ${index} (${group.role} "${group.tensor}") has bits set above its ${slots} packed ${group.bits}-bit values`);
    }
    for (let k = 0; k < slots; k++) {
      out.push((v & mask) + lo);
      v >>= bits;
    }
  }
  return out;
}

export interface DecodedTensor {
  name: string;
  shape: number[];
  /** Integer values q. */
  values: bigint[];
  /** (q − zeroPoint) · 2^−scale. */
  real: number[];
}

export interface DecodedPublicSignals {
  outputs: DecodedTensor[];
  /** Public model inputs (empty when inputs are private). */
  inputs: DecodedTensor[];
  /** Poseidon commitments among the public signals (hashed inputs/outputs, committed weights). */
  commitments: Array<{ role: CommitmentRole; tensor: string; value: bigint }>;
}

/** Parses snarkjs's decimal public signals: exactly `expected` of them, each a field element. */
export function parseSignals(publicSignals: unknown, expected: number): bigint[] {
  if (!Array.isArray(publicSignals)) throw new ProofError('PUBLIC_SIGNALS_FORMAT', 'publicSignals must be an array of decimal strings');
  if (publicSignals.length !== expected) {
    throw new ProofError('PUBLIC_SIGNALS_LENGTH', `expected ${expected} public signals for this model, got ${publicSignals.length}`, {
      fix: 'use the proof with the build it was made for',
    });
  }
  return publicSignals.map((s, i) => {
    if (typeof s !== 'string' || !/^[0-9]{1,80}$/.test(s)) {
      throw new ProofError('PUBLIC_SIGNALS_FORMAT', `public signal ${i} is not a decimal string: ${JSON.stringify(s)?.slice(0, 40)}`);
    }
    const v = BigInt(s);
    if (v >= BN128_R) throw new ProofError('PUBLIC_SIGNAL_RANGE', `public signal ${i} is not below the BN254 scalar field modulus`);
    return v;
  });
}

export function realValue(q: bigint, enc: Pick<TensorEncoding, 'scale' | 'zeroPoint'>): number {
  return Number(q - BigInt(enc.zeroPoint)) * 2 ** -enc.scale;
}

export function decodePublicSignals(manifest: Manifest, publicSignals: readonly string[]): DecodedPublicSignals {
  const layout = manifest.publicSignals;
  const signals = parseSignals(publicSignals, layout.total);
  const decode = (group: PackedGroup, encodings: TensorEncoding[]): DecodedTensor => {
    const enc = encodings.find((e) => e.name === group.tensor);
    if (!enc) {
      throw new ProofError('MANIFEST_LAYOUT', `the manifest's public-signal layout names ${group.role} "${group.tensor}", which is not among its ${group.role}s`, {
        fix: 'recompile with `zkinfer compile`',
      });
    }
    const values = unpackGroup(signals, group);
    return { name: enc.name, shape: enc.shape, values, real: values.map((q) => realValue(q, enc)) };
  };
  return {
    outputs: layout.groups.filter((g) => g.role === 'output').map((g) => decode(g, manifest.outputs)),
    inputs: layout.groups.filter((g) => g.role === 'input').map((g) => decode(g, manifest.inputs)),
    commitments: layout.groups.flatMap((g) => (isCommitmentRole(g.role) ? [{ role: g.role, tensor: g.tensor, value: unpackGroup(signals, g)[0] }] : [])),
  };
}
