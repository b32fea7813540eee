/**
 * The snarkjs `.ptau` container (binfileutils): "ptau", version 1, nSections, then sections
 * (u32 type, u64 byte size, data). Points are affine in "LEM" form (x, y little-endian
 * Montgomery; G1 64 bytes, G2 128 bytes).
 *
 *   1 header        n8 (32), q (32 bytes LE), power, ceremonyPower
 *   2 tauG1         τ^i·G1,   i < 2·2^power − 1
 *   3 tauG2         τ^i·G2,   i < 2^power
 *   4 alphaTauG1    α·τ^i·G1, i < 2^power
 *   5 betaTauG1     β·τ^i·G1, i < 2^power
 *   6 betaG2        β·G2
 *   7 contributions
 *  12 lTauG1        for p = 0 … power+1: L^(2^p)_i(τ)·G1 (Lagrange basis of the 2^p roots of
 *                   unity; level power+1 from the tau powers with the missing last one as 0)
 *  13 lTauG2        p = 0 … power
 *  14 lAlphaTauG1   p = 0 … power
 *  15 lBetaTauG1    p = 0 … power
 * Sections 12–15 are what `snarkjs powersoftau prepare phase2` adds.
 */

export const BN128_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
export const BN128_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const G1_SIZE = 64;
export const G2_SIZE = 128;
/** The largest power snarkjs can prepare for BN254 (Fr has 2^28 roots of unity). */
export const MAX_POWER = 27;

export const Section = {
  Header: 1,
  TauG1: 2,
  TauG2: 3,
  AlphaTauG1: 4,
  BetaTauG1: 5,
  BetaG2: 6,
  Contributions: 7,
  LTauG1: 12,
  LTauG2: 13,
  LAlphaTauG1: 14,
  LBetaTauG1: 15,
} as const;

/** Expected byte size of every point section for a given power. */
export function sectionSizes(power: number): Map<number, number> {
  const n = 2 ** power;
  return new Map<number, number>([
    [Section.TauG1, (2 * n - 1) * G1_SIZE],
    [Section.TauG2, n * G2_SIZE],
    [Section.AlphaTauG1, n * G1_SIZE],
    [Section.BetaTauG1, n * G1_SIZE],
    [Section.BetaG2, G2_SIZE],
    [Section.LTauG1, (4 * n - 1) * G1_SIZE],
    [Section.LTauG2, (2 * n - 1) * G2_SIZE],
    [Section.LAlphaTauG1, (2 * n - 1) * G1_SIZE],
    [Section.LBetaTauG1, (2 * n - 1) * G1_SIZE],
  ]);
}

export const PREPARED_SECTIONS = [Section.LTauG1, Section.LTauG2, Section.LAlphaTauG1, Section.LBetaTauG1] as const;

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

export function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

export function bigToLE(v: bigint, n8: number): Uint8Array {
  const b = new Uint8Array(n8);
  let x = v;
  for (let i = 0; i < n8; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}

export function leToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

/** File prefix: magic, version 1, section count. */
export function fileHeader(nSections: number): Uint8Array {
  const b = new Uint8Array(12);
  b.set([0x70, 0x74, 0x61, 0x75]); // "ptau"
  b.set(u32(1), 4);
  b.set(u32(nSections), 8);
  return b;
}

/** Section 1 contents (with its section header). */
export function headerSection(power: number, ceremonyPower = power): Uint8Array {
  const body = new Uint8Array(44);
  body.set(u32(32), 0);
  body.set(bigToLE(BN128_Q, 32), 4);
  body.set(u32(power), 36);
  body.set(u32(ceremonyPower), 40);
  return concat([u32(Section.Header), u64(body.length), body]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
