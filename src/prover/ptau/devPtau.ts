/**
 * writeDevPtau: an INSECURE powers-of-tau file, already prepared for phase 2, in seconds.
 *
 * `snarkjs powersoftau new` + `contribute` + `prepare phase2` takes minutes (prepare phase2 runs
 * group FFTs: 3 min at 2^12, 10+ min at 2^14 on two cores). Knowing τ, α, β we instead compute
 * every scalar in the field (τ^i, and the Lagrange values L_i(τ) as the field IFFT of the tau
 * powers, exactly the transform prepare phase2 applies to the points) and multiply the
 * generators by them with a fixed-base comb on worker threads (fixedBase.ts).
 *
 * The file has the layout `prepare phase2` writes (sections 1–7, 12–15; see ptauFormat.ts) and
 * one genuine contribution record, labelled DEV_PTAU_LABEL, whose public key and hashes let
 * `snarkjs powersoftau verify` check the whole file. Anyone who knows the seed (or reads this
 * process's memory) knows τ and can forge proofs: development and tests only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SetupError } from '../../errors.ts';
import { bn128, loadFfjavascript, type WasmCurve, type WasmGroup } from '../lib/snarkjs.ts';
import { Blake2b512 } from './blake2b.ts';
import { chooseWindow, FixedBasePool, type GroupName } from './fixedBase.ts';
import {
  concat, fileHeader, G1_SIZE, G2_SIZE, headerSection, MAX_POWER, Section, sectionSizes, u32, u64,
} from './ptauFormat.ts';

export const DEV_PTAU_LABEL = 'zkinfer INSECURE development ptau — toxic waste known, never use in production';

export interface DevPtauProgress {
  stage: 'scalars' | 'tauG1' | 'tauG2' | 'alphaTauG1' | 'betaTauG1' | 'lTauG1' | 'lTauG2' | 'lAlphaTauG1' | 'lBetaTauG1' | 'hash';
  done: number;
  total: number;
}

export interface DevPtauParams {
  /** The file holds 2^power powers (circuits up to 2^power − nPublic − 1 constraints). 1 … 27. */
  power: number;
  file: string;
  /** Makes the file reproducible (same seed → same bytes). Default: fresh random bytes. */
  seed?: string | Uint8Array;
  /** Worker threads for the group arithmetic (default: available cores, at most 8). */
  threads?: number;
  onProgress?: (p: DevPtauProgress) => void;
}

export interface DevPtauResult {
  file: string;
  power: number;
  sha256: string;
  bytes: number;
  ms: number;
  insecure: true;
}

/** The toxic waste itself (field elements as integers in [1, r)). */
export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

export async function writeDevPtau(params: DevPtauParams): Promise<DevPtauResult> {
  const seed = params.seed === undefined ? randomBytes(32) : params.seed;
  const curve = await bn128();
  const ff = await loadFfjavascript();
  const rng = new ff.ChaCha(seedWords(seed));
  const draw = (): bigint => {
    for (;;) {
      const v = curve.Fr.toObject(curve.Fr.fromRng(rng));
      if (v !== 0n) return v;
    }
  };
  const secrets = { tau: draw(), alpha: draw(), beta: draw() };
  return writePtauFromSecrets({ ...params, secrets, keyRng: rng });
}

export interface PtauFromSecretsParams extends Omit<DevPtauParams, 'seed'> {
  secrets: PtauSecrets;
  /** Source of the contribution's public-key base points (default: derived from the secrets). */
  keyRng?: { nextU32(): number; nextBool(): boolean };
  /** Contribution name (default DEV_PTAU_LABEL). */
  label?: string;
}

/** writeDevPtau with given τ, α, β (for tests that compare against snarkjs's own ceremony). */
export async function writePtauFromSecrets(params: PtauFromSecretsParams): Promise<DevPtauResult> {
  const t0 = performance.now();
  const { power, file, secrets } = params;
  if (!Number.isInteger(power) || power < 1 || power > MAX_POWER) {
    throw new SetupError('PTAU_POWER', `cannot generate a dev ptau of power ${power}: the power must be an integer from 1 to ${MAX_POWER}`, {
      fix: 'choose a power between 1 and 27 (2^power ≥ constraints + public signals + 1)',
    });
  }
  const curve = await bn128();
  const ff = await loadFfjavascript();
  const Fr = curve.Fr;
  const n = 2 ** power;
  const tau = Fr.e(secrets.tau);
  const alpha = Fr.e(secrets.alpha);
  const beta = Fr.e(secrets.beta);
  for (const [name, v] of Object.entries({ tau, alpha, beta })) {
    if (Fr.isZero(v)) throw new SetupError('PTAU_SECRET', `dev ptau secret ${name} is zero`, { fix: 'use another seed' });
  }
  const keyRng = params.keyRng ?? new ff.ChaCha(seedWords(`zkinfer-dev-ptau-key:${secrets.tau}:${secrets.alpha}:${secrets.beta}`));
  const progress = params.onProgress ?? (() => {});

  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const pool = await FixedBasePool.create(params.threads);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'w+');
    const out = new SequentialWriter(fh);

    // Field side: every scalar, in Montgomery form.
    progress({ stage: 'scalars', done: 0, total: 1 });
    const tauPowers = await Fr.batchApplyKey(repeat(Fr.one, 2 * n), Fr.one, tau); // τ^0 … τ^(2n−1)
    const alphaTau = await Fr.batchApplyKey(repeat(Fr.one, n), alpha, tau);
    const betaTau = await Fr.batchApplyKey(repeat(Fr.one, n), beta, tau);
    // Lagrange levels p = 0 … power+1, concatenated: the IFFT of the first 2^p tau powers
    // (level power+1: 2n − 1 powers and a zero), as prepare phase2 does with the points.
    const lagrange = new Uint8Array((4 * n - 1) * 32);
    for (let p = 0, off = 0; p <= power + 1; p++) {
      const m = 2 ** p;
      const input = tauPowers.slice(0, m * 32);
      if (p === power + 1) input.fill(0, (m - 1) * 32);
      lagrange.set(await Fr.ifft(input), off);
      off += m * 32;
    }
    const lagrangeUpToPower = lagrange.subarray(0, (2 * n - 1) * 32);
    const lAlpha = await Fr.batchApplyKey(lagrangeUpToPower.slice(), alpha, Fr.one);
    const lBeta = await Fr.batchApplyKey(lagrangeUpToPower.slice(), beta, Fr.one);
    progress({ stage: 'scalars', done: 1, total: 1 });

    const wG1 = chooseWindow((12 * n) / pool.workersFor('G1'));
    const wG2 = chooseWindow((3 * n) / pool.workersFor('G2'));
    const sizes = sectionSizes(power);

    // Queue the multiplications of every point section at once (G1 and G2 workers run side by
    // side); results are written in file order as they arrive.
    interface Planned { id: number; stage: DevPtauProgress['stage']; group: GroupName; count: number; hash: boolean; jobs: Array<Promise<Uint8Array>> }
    const plan = async (id: number, stage: DevPtauProgress['stage'], group: GroupName, scalarsM: Uint8Array, count: number, hash: boolean): Promise<Planned> => {
      const size = group === 'G1' ? G1_SIZE : G2_SIZE;
      if (sizes.get(id) !== count * size) throw new Error(`internal: section ${id} size`);
      const scalars = await Fr.batchFromMontgomery(scalarsM.subarray(0, count * 32));
      const chunk = group === 'G1' ? 8192 : 2048;
      const jobs: Array<Promise<Uint8Array>> = [];
      for (let i = 0; i < count; i += chunk) {
        const job = pool.mul(group, curve[group].oneAffine, scalars.slice(i * 32, Math.min(count, i + chunk) * 32), group === 'G1' ? wG1 : wG2);
        job.catch(() => {}); // awaited in order by writeSection
        jobs.push(job);
      }
      return { id, stage, group, count, hash, jobs };
    };
    const sectionsPlanned = [
      await plan(Section.TauG1, 'tauG1', 'G1', tauPowers, 2 * n - 1, true),
      await plan(Section.TauG2, 'tauG2', 'G2', tauPowers, n, true),
      await plan(Section.AlphaTauG1, 'alphaTauG1', 'G1', alphaTau, n, true),
      await plan(Section.BetaTauG1, 'betaTauG1', 'G1', betaTau, n, true),
      await plan(Section.LTauG1, 'lTauG1', 'G1', lagrange, 4 * n - 1, false),
      await plan(Section.LTauG2, 'lTauG2', 'G2', lagrangeUpToPower, 2 * n - 1, false),
      await plan(Section.LAlphaTauG1, 'lAlphaTauG1', 'G1', lAlpha, 2 * n - 1, false),
      await plan(Section.LBetaTauG1, 'lBetaTauG1', 'G1', lBeta, 2 * n - 1, false),
    ];
    const planned = new Map(sectionsPlanned.map((p) => [p.id, p]));

    await out.write(fileHeader(11));
    await out.write(headerSection(power));

    // Phase-1 sections; the response hash absorbs their compressed points.
    const challenge = firstChallengeHash(curve, power);
    const response = new Blake2b512().update(challenge);
    const first = new Map<number, Uint8Array>();
    const writeSection = async (id: number): Promise<void> => {
      const { stage, group, count, hash, jobs } = planned.get(id) as Planned;
      const G = curve[group];
      const size = group === 'G1' ? G1_SIZE : G2_SIZE;
      await out.beginSection(id, count * size);
      let done = 0;
      for (const job of jobs) {
        const points = await job;
        if (done === 0) first.set(id, points.slice(0, Math.min(2, count) * size));
        await out.write(points);
        if (hash) response.update(await G.batchLEMtoC(points));
        done += points.length / size;
        progress({ stage, done, total: count });
      }
    };

    await writeSection(Section.TauG1);
    await writeSection(Section.TauG2);
    await writeSection(Section.AlphaTauG1);
    await writeSection(Section.BetaTauG1);
    const betaG2 = curve.G2.toAffine(curve.G2.timesFr(curve.G2.g, beta));
    const betaG2Lem = new Uint8Array(G2_SIZE);
    curve.G2.toRprLEM(betaG2Lem, 0, betaG2);
    await out.beginSection(Section.BetaG2, G2_SIZE);
    await out.write(betaG2Lem);
    response.update(await curve.G2.batchLEMtoC(betaG2Lem));

    // The contribution record (see snarkjs powersoftau_contribute.js / powersoftau_utils.js).
    const key = publicKey(curve, ff.ChaCha, challenge, { tau, alpha, beta }, keyRng);
    const partialHash = response.partialState();
    const responseHash = response.update(key.uncompressed).digest();
    const next = createHash('blake2b512').update(responseHash);
    await hashUncompressed(fh, curve, out.sectionOffsets, power, next);
    progress({ stage: 'hash', done: 1, total: 1 });
    const tauG1 = (first.get(Section.TauG1) as Uint8Array).subarray(G1_SIZE, 2 * G1_SIZE);
    const tauG2 = (first.get(Section.TauG2) as Uint8Array).subarray(G2_SIZE, 2 * G2_SIZE);
    const alphaG1 = (first.get(Section.AlphaTauG1) as Uint8Array).subarray(0, G1_SIZE);
    const betaG1 = (first.get(Section.BetaTauG1) as Uint8Array).subarray(0, G1_SIZE);
    const name = new TextEncoder().encode(params.label ?? DEV_PTAU_LABEL);
    if (name.length > 255) throw new SetupError('PTAU_LABEL', 'ptau contribution name longer than 255 bytes');
    const record = concat([
      tauG1, tauG2, alphaG1, betaG1, betaG2Lem, key.lem, partialHash, new Uint8Array(next.digest()),
      u32(0), // type: normal contribution (not a beacon)
      u32(2 + name.length), new Uint8Array([1, name.length]), name,
    ]);
    const contributions = concat([u32(1), record]);
    await out.beginSection(Section.Contributions, contributions.length);
    await out.write(contributions);

    // Phase-2 (Lagrange) sections.
    for (const id of [Section.LTauG1, Section.LTauG2, Section.LAlphaTauG1, Section.LBetaTauG1]) await writeSection(id);

    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, file);
    return { file, power, sha256: out.sha256(), bytes: out.position, ms: performance.now() - t0, insecure: true };
  } catch (e) {
    if (e instanceof SetupError) throw e;
    throw new SetupError('DEV_PTAU_FAILED', `could not write the dev ptau ${file}: ${(e as Error).message}`, {
      cause: e,
      fix: 'check that the folder is writable and has space (2^16 needs ≈ 76 MB), then run `zkinfer setup --dev` again',
    });
  } finally {
    await fh?.close().catch(() => {});
    await rm(tmp, { force: true });
    await pool.terminate();
  }
}

/** Appends to a file, tracking the offset of each section's data and the running sha256. */
class SequentialWriter {
  position = 0;
  readonly sectionOffsets = new Map<number, number>();
  private readonly hash = createHash('sha256');
  constructor(private readonly fh: FileHandle) {}
  /** Writes a section header (id, byte size); its data must follow. */
  async beginSection(id: number, size: number): Promise<void> {
    await this.write(concat([u32(id), u64(size)]));
    this.sectionOffsets.set(id, this.position);
  }
  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.fh.write(data, off, data.length - off, this.position + off);
      off += bytesWritten;
    }
    this.hash.update(data);
    this.position += data.length;
  }
  sha256(): string {
    return this.hash.digest('hex');
  }
}

function repeat(elem: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(elem.length * count);
  out.set(elem, 0);
  for (let filled = elem.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  return out;
}

function seedWords(seed: string | Uint8Array): number[] {
  const h = createHash('sha256').update('zkinfer dev ptau v1\0').update(seed).digest();
  return Array.from({ length: 8 }, (_, i) => h.readUInt32BE(i * 4));
}

/** snarkjs calculateFirstChallengeHash: the hash of a fresh accumulator (all points = generators). */
function firstChallengeHash(curve: WasmCurve, power: number): Uint8Array {
  const n = 2 ** power;
  const g1 = new Uint8Array(G1_SIZE);
  const g2 = new Uint8Array(G2_SIZE);
  curve.G1.toRprUncompressed(g1, 0, curve.G1.g);
  curve.G2.toRprUncompressed(g2, 0, curve.G2.g);
  const h = createHash('blake2b512').update(createHash('blake2b512').digest());
  const block = (p: Uint8Array, count: number): void => {
    const per = 4096;
    const big = repeat(p, Math.min(per, count));
    for (let left = count; left > 0; left -= per) h.update(left >= per ? big : big.subarray(0, left * p.length));
  };
  block(g1, 2 * n - 1);
  block(g2, n);
  block(g1, n);
  block(g1, n);
  h.update(g2);
  return new Uint8Array(h.digest());
}

interface PtauKey {
  /** toPtauPubKeyRpr(montgomery = true): 6 G1 then 3 G2 points, LEM. */
  lem: Uint8Array;
  /** The same, uncompressed big-endian (what the response hash absorbs). */
  uncompressed: Uint8Array;
}

/** snarkjs keypair.createPTauKey with given private keys: proofs of knowledge of τ, α, β. */
function publicKey(
  curve: WasmCurve, ChaCha: ChaChaCtor, challenge: Uint8Array, prv: { tau: Uint8Array; alpha: Uint8Array; beta: Uint8Array },
  rng: { nextU32(): number; nextBool(): boolean },
): PtauKey {
  const { G1, G2 } = curve;
  const parts = (['tau', 'alpha', 'beta'] as const).map((k, personalization) => {
    const g1s = G1.toAffine(G1.fromRng(rng));
    const g1sx = G1.toAffine(G1.timesFr(g1s, prv[k]));
    const h = createHash('blake2b512')
      .update(new Uint8Array([personalization]))
      .update(challenge)
      .update(G1.toUncompressed(g1s))
      .update(G1.toUncompressed(g1sx))
      .digest();
    const g2sp = hashToG2(curve, ChaCha, h);
    const g2spx = G2.toAffine(G2.timesFr(g2sp, prv[k]));
    return { g1s, g1sx, g2spx };
  });
  const rpr = (fn: 'toRprLEM' | 'toRprUncompressed'): Uint8Array => {
    const buf = new Uint8Array(6 * G1_SIZE + 3 * G2_SIZE);
    let o = 0;
    for (const p of parts) {
      G1[fn](buf, o, p.g1s);
      G1[fn](buf, o + G1_SIZE, p.g1sx);
      o += 2 * G1_SIZE;
    }
    for (const p of parts) {
      G2[fn](buf, o, p.g2spx);
      o += G2_SIZE;
    }
    return buf;
  };
  return { lem: rpr('toRprLEM'), uncompressed: rpr('toRprUncompressed') };
}

/** snarkjs keypair.hashToG2: ChaCha seeded with the hash's first eight big-endian words. */
function hashToG2(curve: WasmCurve, ChaCha: ChaChaCtor, hash: Uint8Array): Uint8Array {
  const dv = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed = Array.from({ length: 8 }, (_, i) => dv.getUint32(i * 4));
  return curve.G2.toAffine(curve.G2.fromRng(new ChaCha(seed)));
}

type ChaChaCtor = new (seed: number[]) => { nextU32(): number; nextBool(): boolean };

/** Feeds sections 2–6, uncompressed, to the next-challenge hash (re-read from the file). */
async function hashUncompressed(
  fh: FileHandle, curve: WasmCurve, offsets: Map<number, number>, power: number, h: ReturnType<typeof createHash>,
): Promise<void> {
  const sizes = sectionSizes(power);
  const groups: Array<[number, WasmGroup, number]> = [
    [Section.TauG1, curve.G1, G1_SIZE], [Section.TauG2, curve.G2, G2_SIZE], [Section.AlphaTauG1, curve.G1, G1_SIZE],
    [Section.BetaTauG1, curve.G1, G1_SIZE], [Section.BetaG2, curve.G2, G2_SIZE],
  ];
  for (const [id, G, size] of groups) {
    const start = offsets.get(id) as number;
    const total = sizes.get(id) as number;
    const step = size * 65536;
    for (let off = 0; off < total; off += step) {
      const len = Math.min(step, total - off);
      const buf = new Uint8Array(len);
      await fh.read(buf, 0, len, start + off);
      h.update(await G.batchLEMtoU(buf));
    }
  }
}

