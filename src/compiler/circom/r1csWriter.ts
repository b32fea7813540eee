/**
 * Writer side of circom's `.r1cs` format (layout in r1csFile.ts): appends constraints to an
 * existing file. Every section but the header and the constraints is copied byte for byte
 * (wire → label map, custom gates); the header's constraint count and the constraints
 * section's size are updated, and the file is replaced atomically.
 *
 * Used by the external-linear post-pass (src/compiler/lower/externalLinear.ts), which gives
 * circom no weights and adds each large linear layer's rows here as linear constraints.
 */
import { readFile } from 'node:fs/promises';
import { CircuitError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/files.ts';
import type { LinearCombination, R1csConstraint } from './r1csFile.ts';

const fail = (file: string, why: string): never => {
  throw new CircuitError('R1CS_CORRUPT', `${file} is not a valid .r1cs file: ${why}`, {
    fix: 'recompile the circuit (the file may be truncated or written by another tool)',
  });
};

/** Bytes of one linear combination: u32 nTerms, then (u32 wire, n8-byte LE coefficient mod p), sorted by wire. */
export function encodeLinearCombination(lc: LinearCombination, n8: number, prime: bigint, nWires: number): Uint8Array {
  // Merge terms on the same wire and drop zeros (circom writes each wire once, in increasing order).
  const byWire = new Map<number, bigint>();
  for (let t = 0; t < lc.wires.length; t++) {
    const w = lc.wires[t];
    if (!Number.isInteger(w) || w < 0 || w >= nWires) throw new CircuitError('R1CS_WIRE', `wire ${w} is outside the circuit's ${nWires} wires`);
    byWire.set(w, ((byWire.get(w) ?? 0n) + lc.coeffs[t]) % prime);
  }
  const terms = [...byWire].map(([w, c]) => [w, c < 0n ? c + prime : c] as const).filter(([, c]) => c !== 0n).sort((a, b) => a[0] - b[0]);
  const out = new Uint8Array(4 + terms.length * (4 + n8));
  const view = new DataView(out.buffer);
  view.setUint32(0, terms.length, true);
  let pos = 4;
  for (const [w, c] of terms) {
    view.setUint32(pos, w, true);
    let v = c;
    for (let i = 0; i < n8; i++) {
      out[pos + 4 + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    pos += 4 + n8;
  }
  return out;
}

/**
 * Appends `constraints` (A·w · B·w = C·w each) to the .r1cs `file` in place (atomic rename).
 * Returns the new constraint count.
 */
export async function appendR1csConstraints(file: string, constraints: readonly R1csConstraint[]): Promise<number> {
  const bytes = new Uint8Array(await readFile(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'r1cs') fail(file, 'bad magic');
  const nSections = view.getUint32(8, true);
  const sections: Array<{ type: number; start: number; size: number }> = [];
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) fail(file, 'truncated section table');
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    if (pos + 12 + size > bytes.length) fail(file, `section ${type} runs past the end`);
    sections.push({ type, start: pos + 12, size });
    pos += 12 + size;
  }
  const header = sections.find((s) => s.type === 1) ?? fail(file, 'no header section');
  if (!sections.some((s) => s.type === 2)) fail(file, 'no constraints section');
  const n8 = view.getUint32(header.start, true);
  let prime = 0n;
  for (let i = n8 - 1; i >= 0; i--) prime = (prime << 8n) | BigInt(bytes[header.start + 4 + i]);
  const nWires = view.getUint32(header.start + 4 + n8, true);
  const countAt = header.start + 4 + n8 + 4 * 4 + 8; // after nWires, nPubOut, nPubIn, nPrvIn (u32) and nLabels (u64)
  const oldCount = view.getUint32(countAt, true);
  const newCount = oldCount + constraints.length;
  if (newCount > 0xffffffff) fail(file, 'too many constraints');

  const extra: Uint8Array[] = [];
  let extraSize = 0;
  for (const c of constraints) {
    for (const lc of [c.a, c.b, c.c]) {
      const enc = encodeLinearCombination(lc, n8, prime, nWires);
      extra.push(enc);
      extraSize += enc.length;
    }
  }

  const out = new Uint8Array(bytes.length + extraSize);
  const outView = new DataView(out.buffer);
  out.set(bytes.subarray(0, 12), 0);
  let o = 12;
  for (const s of sections) {
    const grow = s.type === 2 ? extraSize : 0;
    outView.setUint32(o, s.type, true);
    outView.setBigUint64(o + 4, BigInt(s.size + grow), true);
    o += 12;
    out.set(bytes.subarray(s.start, s.start + s.size), o);
    if (s.type === 1) outView.setUint32(o + (countAt - header.start), newCount, true);
    o += s.size;
    if (s.type === 2) {
      for (const e of extra) {
        out.set(e, o);
        o += e.length;
      }
    }
  }
  await writeFileAtomic(file, out);
  return newCount;
}
