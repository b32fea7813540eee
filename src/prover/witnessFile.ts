/**
 * Reader of snarkjs's `.wtns` witness format (what circom's wasm and C++ generators write):
 * "wtns", u32 version, u32 nSections, then sections (u32 type, u64 size):
 *   1 header: u32 n8, prime (n8 bytes LE), u32 nWitness
 *   2 values: nWitness × n8 bytes LE (plain form, wire 0 = 1)
 */
import { ProofError } from '../errors.ts';

export interface Witness {
  prime: bigint;
  values: bigint[];
}

export function readWtns(bytes: Uint8Array): Witness {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new ProofError('WTNS_CORRUPT', `not a valid .wtns witness: ${why}`, { fix: 'recompute the witness' });
  };
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'wtns') bad('bad magic');
  const nSections = view.getUint32(8, true);
  const at = new Map<number, [number, number]>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) bad('truncated section table');
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    at.set(type, [pos + 12, size]);
    pos += 12 + size;
  }
  const h = at.get(1) ?? bad('no header');
  const d = at.get(2) ?? bad('no values');
  const n8 = view.getUint32(h[0], true);
  const le = (off: number): bigint => {
    let v = 0n;
    for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]);
    return v;
  };
  const prime = le(h[0] + 4);
  const n = view.getUint32(h[0] + 4 + n8, true);
  if (d[1] !== n * n8) bad('values section size does not match the header');
  const values = new Array<bigint>(n);
  for (let i = 0; i < n; i++) values[i] = le(d[0] + i * n8);
  return { prime, values };
}
