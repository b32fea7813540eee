/**
 * Reader for circom's binary `.r1cs` format (iden3 spec): header, constraints and the
 * wire → label map, with field elements as BigInt. No curve or worker threads are built,
 * so it is cheap enough to call after every compile.
 *
 * Layout: "r1cs" u32 version, u32 nSections, then sections (u32 type, u64 size, bytes):
 *   1 header:      u32 n8, prime (n8 bytes LE), u32 nWires, u32 nPubOut, u32 nPubIn,
 *                  u32 nPrvIn, u64 nLabels, u32 nConstraints
 *   2 constraints: per constraint three linear combinations A, B, C (A·w · B·w = C·w),
 *                  each u32 nTerms then nTerms × (u32 wire, coefficient n8 bytes LE)
 *   3 wire2label:  nWires × u64
 * Wire 0 is the constant 1; then public outputs, public inputs, private inputs, the rest.
 */
import { readFile } from 'node:fs/promises';
import { CircuitError } from '../../errors.ts';

export interface R1csHeader {
  n8: number;
  prime: bigint;
  /** Witness length, including wire 0 (the constant 1). */
  nWires: number;
  nPubOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
  nConstraints: number;
}

/** One linear combination: parallel arrays of wire indices and coefficients (in [0, p)). */
export interface LinearCombination {
  wires: number[];
  coeffs: bigint[];
}

export interface R1csConstraint {
  a: LinearCombination;
  b: LinearCombination;
  c: LinearCombination;
}

export interface R1cs {
  header: R1csHeader;
  constraints: R1csConstraint[];
  /** wire index → label id (index into the .sym file's first column). */
  wireToLabel?: number[];
}

export interface R1csSummary {
  header: R1csHeader;
  /** Constraints where A·w or B·w is a constant (no product of two signals). */
  linearConstraints: number;
  /** Total number of (wire, coefficient) terms over A, B and C: the r1cs density. */
  nonZeroTerms: number;
}

const fail = (file: string, why: string): never => {
  throw new CircuitError('R1CS_CORRUPT', `${file} is not a valid .r1cs file: ${why}`, {
    fix: 'recompile the circuit (the file may be truncated or written by another tool)',
  });
};

interface Sections {
  view: DataView;
  bytes: Uint8Array;
  /** section type → [offset, size] of its content. */
  at: Map<number, [number, number]>;
}

function sections(bytes: Uint8Array, file: string): Sections {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'r1cs') fail(file, 'bad magic');
  const nSections = view.getUint32(8, true);
  const at = new Map<number, [number, number]>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) fail(file, 'truncated section table');
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > bytes.length) fail(file, `section ${type} runs past the end`);
    if (!at.has(type)) at.set(type, [pos, size]);
    pos += size;
  }
  return { view, bytes, at };
}

function leBigInt(bytes: Uint8Array, offset: number, n8: number): bigint {
  let hex = '';
  for (let i = offset + n8 - 1; i >= offset; i--) hex += bytes[i].toString(16).padStart(2, '0');
  return BigInt('0x' + hex);
}

function header(s: Sections, file: string): R1csHeader {
  const h = s.at.get(1);
  if (!h) return fail(file, 'no header section');
  const [off] = h;
  const n8 = s.view.getUint32(off, true);
  let p = off + 4 + n8;
  const u32 = (): number => {
    const v = s.view.getUint32(p, true);
    p += 4;
    return v;
  };
  const prime = leBigInt(s.bytes, off + 4, n8);
  const nWires = u32();
  const nPubOutputs = u32();
  const nPubInputs = u32();
  const nPrvInputs = u32();
  const nLabels = Number(s.view.getBigUint64(p, true));
  p += 8;
  const nConstraints = u32();
  return { n8, prime, nWires, nPubOutputs, nPubInputs, nPrvInputs, nLabels, nConstraints };
}

/** Header plus the number of linear constraints, without materialising coefficients. */
export async function readR1csSummary(file: string): Promise<R1csSummary> {
  const bytes = new Uint8Array(await readFile(file));
  const s = sections(bytes, file);
  const hdr = header(s, file);
  const c = s.at.get(2);
  if (!c) return fail(file, 'no constraints section');
  let pos = c[0];
  const end = c[0] + c[1];
  const step = 4 + hdr.n8;
  let linearConstraints = 0;
  let nonZeroTerms = 0;
  for (let i = 0; i < hdr.nConstraints; i++) {
    let constantFactor = false;
    for (let part = 0; part < 3; part++) {
      if (pos + 4 > end) fail(file, 'truncated constraints section');
      const n = s.view.getUint32(pos, true);
      pos += 4;
      let onlyConstant = true;
      for (let t = 0; t < n; t++) if (s.view.getUint32(pos + t * step, true) !== 0) onlyConstant = false;
      pos += n * step;
      nonZeroTerms += n;
      if (part < 2 && onlyConstant) constantFactor = true;
    }
    if (constantFactor) linearConstraints++;
  }
  return { header: hdr, linearConstraints, nonZeroTerms };
}

/** The whole file with BigInt coefficients (for witness checking; fine up to ~10^5 constraints). */
export async function readR1cs(file: string, options: { wireMap?: boolean } = {}): Promise<R1cs> {
  const bytes = new Uint8Array(await readFile(file));
  const s = sections(bytes, file);
  const hdr = header(s, file);
  const c = s.at.get(2);
  if (!c) return fail(file, 'no constraints section');
  let pos = c[0];
  const end = c[0] + c[1];
  const lc = (): LinearCombination => {
    if (pos + 4 > end) fail(file, 'truncated constraints section');
    const n = s.view.getUint32(pos, true);
    pos += 4;
    const wires: number[] = new Array(n);
    const coeffs: bigint[] = new Array(n);
    for (let t = 0; t < n; t++) {
      wires[t] = s.view.getUint32(pos, true);
      coeffs[t] = leBigInt(bytes, pos + 4, hdr.n8);
      pos += 4 + hdr.n8;
    }
    return { wires, coeffs };
  };
  const constraints: R1csConstraint[] = [];
  for (let i = 0; i < hdr.nConstraints; i++) {
    const a = lc();
    const b = lc();
    constraints.push({ a, b, c: lc() });
  }
  let wireToLabel: number[] | undefined;
  const m = s.at.get(3);
  if (options.wireMap && m) {
    wireToLabel = [];
    for (let i = 0; i < hdr.nWires; i++) wireToLabel.push(Number(s.view.getBigUint64(m[0] + 8 * i, true)));
  }
  return { header: hdr, constraints, wireToLabel };
}
