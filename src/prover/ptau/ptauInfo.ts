/**
 * What a `.ptau` file holds, and whether it can set up a given circuit.
 *
 * readPtauInfo checks the container (magic, section table, every section inside the file,
 * BN254 header, point-section sizes for its power) without reading the points; `prepared`
 * means the Lagrange sections 12–15 of `prepare phase2` are present (snarkjs's groth16 setup
 * needs them). requiredPower is snarkjs zkey_new.js's own rule.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { SetupError } from '../../errors.ts';
import type { R1csInfo } from '../r1csInfo.ts';
import { BN128_Q, G1_SIZE, G2_SIZE, leToBig, PREPARED_SECTIONS, Section, sectionSizes } from './ptauFormat.ts';
import { DEV_PTAU_LABEL } from './devPtau.ts';

export interface PtauContribution {
  name?: string;
  /** 0: contribution, 1: beacon. */
  type: number;
}

export interface PtauInfo {
  file: string;
  /** 2^power points (after `powersoftau truncate`, smaller than ceremonyPower). */
  power: number;
  ceremonyPower: number;
  /** Has the phase-2 Lagrange sections 12–15. */
  prepared: boolean;
  /** sha256 of the whole file (hex); omitted when `hash: false`. */
  sha256?: string;
  bytes: number;
  contributions: PtauContribution[];
  /** The last contribution is zkinfer's insecure dev label. */
  insecureDev: boolean;
}

const DEV_FIX = 'generate a dev ptau with `zkinfer setup --dev`, or use a ceremony file (e.g. a Hermez powersOfTau28_hez_final_NN.ptau)';

/** Reads and checks a ptau's structure; `hash` (default true) also computes its sha256. */
export async function readPtauInfo(file: string, options: { hash?: boolean } = {}): Promise<PtauInfo> {
  const corrupt = (why: string): SetupError =>
    new SetupError('PTAU_CORRUPT', `${file} is not a valid BN254 .ptau file: ${why}`, { fix: DEV_FIX, details: { file } });
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new SetupError('PTAU_MISSING', `cannot open the ptau file ${file} (${(e as NodeJS.ErrnoException).code ?? e})`, {
      cause: e,
      fix: `check the path, or ${DEV_FIX}`,
      details: { file },
    });
  }
  let info: Omit<PtauInfo, 'sha256'>;
  try {
    const { size } = await fh.stat();
    const read = async (pos: number, len: number): Promise<Uint8Array> => {
      if (pos + len > size) throw corrupt(`it ends after ${size} bytes (truncated?)`);
      const b = new Uint8Array(len);
      await fh.read(b, 0, len, pos);
      return b;
    };
    const head = await read(0, 12);
    const dv = new DataView(head.buffer);
    if (new TextDecoder().decode(head.subarray(0, 4)) !== 'ptau') throw corrupt('wrong magic bytes (not a ptau file)');
    if (dv.getUint32(4, true) !== 1) throw corrupt(`unsupported version ${dv.getUint32(4, true)}`);
    const nSections = dv.getUint32(8, true);
    if (nSections > 64) throw corrupt(`${nSections} sections`);
    const sections = new Map<number, { pos: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = new DataView((await read(pos, 12)).buffer);
      const type = sh.getUint32(0, true);
      const len = Number(sh.getBigUint64(4, true));
      pos += 12;
      if (pos + len > size) {
        throw corrupt(`section ${type} ends at byte ${pos + len} but the file has only ${size} bytes (truncated download?)`);
      }
      if (sections.has(type)) throw corrupt(`section ${type} appears twice`);
      sections.set(type, { pos, size: len });
      pos += len;
    }
    const header = sections.get(Section.Header);
    if (!header || header.size !== 44) throw corrupt('missing or malformed header section');
    const h = await read(header.pos, 44);
    const hv = new DataView(h.buffer);
    if (hv.getUint32(0, true) !== 32 || leToBig(h.subarray(4, 36)) !== BN128_Q) throw corrupt('not a BN254 (bn128) ceremony');
    const power = hv.getUint32(36, true);
    const ceremonyPower = hv.getUint32(40, true);
    if (power < 1 || power > 28) throw corrupt(`power ${power} out of range`);
    const expected = sectionSizes(power);
    for (const id of [Section.TauG1, Section.TauG2, Section.AlphaTauG1, Section.BetaTauG1, Section.BetaG2]) {
      const s = sections.get(id);
      if (!s) throw corrupt(`missing section ${id}`);
      if (s.size !== expected.get(id)) throw corrupt(`section ${id} has ${s.size} bytes, expected ${expected.get(id)} for power ${power}`);
    }
    const present = PREPARED_SECTIONS.filter((id) => sections.has(id));
    if (present.length > 0 && present.length < PREPARED_SECTIONS.length) {
      throw corrupt(`only some of the phase-2 sections 12–15 are present (${present.join(', ')})`);
    }
    for (const id of present) {
      const s = sections.get(id) as { size: number };
      if (s.size !== expected.get(id)) throw corrupt(`section ${id} has ${s.size} bytes, expected ${expected.get(id)} for power ${power}`);
    }
    const contribSection = sections.get(Section.Contributions);
    const contributions = contribSection ? await readContributions(await read(contribSection.pos, contribSection.size), corrupt) : [];
    info = {
      file,
      power,
      ceremonyPower,
      prepared: present.length === PREPARED_SECTIONS.length,
      bytes: size,
      contributions,
      insecureDev: contributions.at(-1)?.name === DEV_PTAU_LABEL,
    };
  } finally {
    await fh.close();
  }
  if (options.hash === false) return info;
  return { ...info, sha256: await sha256File(file) };
}

/** Contribution records: the fixed part, then (u32 length, typed parameters). */
async function readContributions(b: Uint8Array, corrupt: (why: string) => SetupError): Promise<PtauContribution[]> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fixed = 3 * G1_SIZE + 2 * G2_SIZE + 6 * G1_SIZE + 3 * G2_SIZE + 216 + 64;
  if (b.length < 4) throw corrupt('empty contributions section');
  const n = dv.getUint32(0, true);
  const out: PtauContribution[] = [];
  let p = 4;
  for (let i = 0; i < n; i++) {
    if (p + fixed + 8 > b.length) throw corrupt('contributions section too short');
    p += fixed;
    const type = dv.getUint32(p, true);
    const paramLen = dv.getUint32(p + 4, true);
    p += 8;
    if (p + paramLen > b.length) throw corrupt('contributions section too short');
    const c: PtauContribution = { type };
    for (let q = p; q < p + paramLen; ) {
      const t = b[q];
      if (t === 1) {
        c.name = new TextDecoder().decode(b.subarray(q + 2, q + 2 + b[q + 1]));
        q += 2 + b[q + 1];
      } else if (t === 2) q += 2;
      else if (t === 3) q += 2 + b[q + 1];
      else throw corrupt(`unknown contribution parameter ${t}`);
    }
    p += paramLen;
    out.push(c);
  }
  return out;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * The smallest ptau power snarkjs's groth16 setup accepts (zkey_new.js):
 * cirPower = log2(nConstraints + nPubInputs + nOutputs) + 1 with an integer (floor) log2,
 * i.e. the smallest p ≥ 1 with 2^p > nConstraints + nPublic. (The +1 domain slots hold
 * the public-input constraints snarkjs adds, and its H computation reads level p+1 of the
 * prepared tauG1 section, which every prepared file of power ≥ p has.)
 */
export function requiredPower(r1cs: Pick<R1csInfo, 'nConstraints' | 'nPubInputs' | 'nOutputs'>): number {
  const v = r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs;
  let p = 1;
  while (2 ** p <= v) p++;
  return p;
}

/** Checks that `info` can set up a circuit needing `needed` (throws SetupError otherwise). */
export function assertPtauUsable(info: PtauInfo, needed: number): void {
  if (info.power < needed) {
    throw new SetupError(
      'PTAU_TOO_SMALL',
      `${info.file} has power ${info.power} (2^${info.power} = ${2 ** info.power} slots) but this circuit needs power ${needed}`,
      {
        fix: `generate a dev ptau with \`zkinfer setup --dev\`, or use a ceremony file of power ≥ ${needed}`,
        details: { file: info.file, power: info.power, needed },
      },
    );
  }
  if (!info.prepared) {
    throw new SetupError('PTAU_NOT_PREPARED', `${info.file} (power ${info.power}) is not prepared for phase 2: it lacks the Lagrange sections 12–15`, {
      fix: `run \`snarkjs powersoftau prepare phase2 ${info.file} prepared.ptau\` (minutes at 2^14 and up), use a prepared ceremony file (*_final_*.ptau) of power ≥ ${needed}, or \`zkinfer setup --dev\``,
      details: { file: info.file, power: info.power, needed },
    });
  }
}

/**
 * readPtauInfo + assertPtauUsable for a circuit needing `needed`; structural errors get a fix
 * naming that power.
 */
export async function checkPtauFor(file: string, needed: number): Promise<PtauInfo> {
  let info: PtauInfo;
  try {
    info = await readPtauInfo(file);
  } catch (e) {
    if (e instanceof SetupError && e.code === 'PTAU_CORRUPT') {
      throw new SetupError(e.code, e.message, {
        fix: `generate a dev ptau with \`zkinfer setup --dev\`, or use a ceremony file of power ≥ ${needed}`,
        details: { ...e.details, needed },
      });
    }
    throw e;
  }
  assertPtauUsable(info, needed);
  return info;
}
