/**
 * setup: Groth16 trusted setup of a compiled build (design §6).
 *
 * Reads manifest.json and model.r1cs, picks the powers of tau (a user ceremony file checked
 * against the circuit, or with `dev` an INSECURE locally generated one written to
 * <build>/dev.ptau and reused while large enough), runs snarkjs newZKey plus one phase-2
 * contribution, exports verification_key.json and Verifier.sol, and records the `setup` block
 * of the manifest. The zkey, keys and manifest are installed together (setupFiles.ts).
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { SetupError, ZkInferError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { loadBuild } from './artifacts.ts';
import { loadSnarkjs, recordingLogger } from './lib/snarkjs.ts';
import { writeDevPtau, type DevPtauProgress } from './ptau/devPtau.ts';
import { checkPtauFor, readPtauInfo, requiredPower, type PtauInfo } from './ptau/ptauInfo.ts';
import { readR1csInfo } from './r1csInfo.ts';
import { stageKeysAndManifest, Staged } from './setupFiles.ts';

export interface SetupProgress {
  stage: 'ptau' | 'zkey' | 'contribute' | 'export' | 'write';
  message: string;
  /** Dev ptau generation detail. */
  ptau?: DevPtauProgress;
}

export interface SetupParams {
  buildDir: string;
  /** Generate (or reuse) an insecure development ptau. */
  dev?: boolean;
  /** A prepared ceremony .ptau file (ignored with dev). */
  ptau?: string;
  /** Entropy for the phase-2 contribution (default: 32 random bytes). */
  entropy?: string;
  /** Name recorded with the first phase-2 contribution. */
  name?: string;
  /** Dev ptau seed (reproducible dev ptau); default random. */
  devSeed?: string;
  onProgress?: (p: SetupProgress) => void;
}

export type PtauRecord = NonNullable<Manifest['setup']>['ptau'];

export interface SetupResult {
  buildDir: string;
  manifest: Manifest;
  ptau: PtauRecord;
  requiredPower: number;
  constraints: number;
  zkeySha256: string;
  vkeySha256: string;
  contributions: number;
  /** Wall times in ms. */
  timings: { ptau: number; zkey: number; contribute: number; export: number; total: number };
  /** The dev ptau was generated now (false: reused or a ceremony file). */
  ptauGenerated: boolean;
}

export async function setup(params: SetupParams): Promise<SetupResult> {
  const t0 = performance.now();
  const progress = params.onProgress ?? (() => {});
  const { paths, manifest } = await loadBuild(params.buildDir, { artifacts: ['r1cs'] });
  const r1cs = await readR1csInfo(paths.r1cs);
  const needed = requiredPower(r1cs);

  if (params.dev && params.ptau) {
    throw new SetupError('SETUP_PTAU_CHOICE', 'both a ptau file and --dev were given', { fix: 'use either --ptau <file> (a ceremony file) or --dev (insecure, for development)' });
  }
  if (!params.dev && !params.ptau) {
    throw new SetupError('SETUP_NO_PTAU', `no powers of tau given (this circuit needs power ≥ ${needed})`, {
      fix: `pass a prepared ceremony file of power ≥ ${needed} (--ptau powersOfTau28_hez_final_${String(Math.max(needed, 8)).padStart(2, '0')}.ptau), or --dev for an insecure development setup`,
    });
  }

  // 1. Powers of tau.
  let info: PtauInfo;
  let generated = false;
  if (params.dev) {
    progress({ stage: 'ptau', message: `dev ptau (INSECURE) of power ${needed}` });
    const existing = await readPtauInfo(paths.devPtau).catch(() => undefined);
    // Reuse the build's dev ptau when large enough (and, if a setup recorded it, unchanged).
    const recorded = manifest.setup?.ptau.origin === 'dev' ? manifest.setup.ptau.sha256 : undefined;
    if (existing && existing.insecureDev && existing.prepared && existing.power >= needed && (!recorded || recorded === existing.sha256)) {
      info = existing;
    } else {
      await writeDevPtau({ power: needed, file: paths.devPtau, seed: params.devSeed, onProgress: (p) => progress({ stage: 'ptau', message: `dev ptau: ${p.stage}`, ptau: p }) });
      info = await readPtauInfo(paths.devPtau);
      generated = true;
    }
  } else {
    progress({ stage: 'ptau', message: `checking ${params.ptau}` });
    info = await checkPtauFor(params.ptau as string, needed);
  }
  const tPtau = performance.now();
  const ptau: PtauRecord = {
    origin: params.dev ? 'dev' : 'file',
    path: recordPath(paths.dir, info.file),
    sha256: info.sha256 as string,
    power: info.power,
    insecure: info.insecureDev,
  };

  const snarkjs = await loadSnarkjs();
  const staged = new Staged();
  try {
    // 2. Circuit-specific key (phase 2 start), then one contribution.
    progress({ stage: 'zkey', message: `groth16 setup of ${r1cs.nConstraints} constraints (domain 2^${needed})` });
    const initZkey = staged.scratch(paths.zkey, 'init.tmp');
    const logger = recordingLogger();
    const csHash = await snarkjs.zKey.newZKey(paths.r1cs, info.file, initZkey, logger);
    if (typeof csHash === 'number') {
      throw new SetupError('ZKEY_NEW_FAILED', `snarkjs could not create the proving key: ${logger.errors.join('; ') || 'unknown error'}`, {
        fix: `use a prepared ptau of power ≥ ${needed} (\`zkinfer setup --dev\` makes one)`,
        details: { ptau: info.file, power: info.power, needed },
      });
    }
    const tZkey = performance.now();
    progress({ stage: 'contribute', message: 'phase-2 contribution' });
    const zkeyTmp = staged.reserve(paths.zkey);
    const entropy = params.entropy ?? randomBytes(32).toString('hex');
    await snarkjs.zKey.contribute(initZkey, zkeyTmp, params.name ?? (params.dev ? 'zkinfer dev setup (INSECURE ptau)' : 'zkinfer setup'), entropy, recordingLogger());
    const tContribute = performance.now();

    // 3. Keys and manifest, installed together.
    progress({ stage: 'export', message: 'verification key and Verifier.sol' });
    const { manifest: next, keys } = await stageKeysAndManifest(staged, paths, zkeyTmp, (k) => ({
      ...manifest,
      setup: { ptau, zkeySha256: k.zkeySha256, vkeySha256: k.vkeySha256, contributions: 1 },
    }));
    const tExport = performance.now();
    progress({ stage: 'write', message: `writing ${paths.zkey}` });
    await staged.commit();
    return {
      buildDir: params.buildDir,
      manifest: next,
      ptau,
      requiredPower: needed,
      constraints: r1cs.nConstraints,
      zkeySha256: keys.zkeySha256,
      vkeySha256: keys.vkeySha256,
      contributions: 1,
      timings: { ptau: tPtau - t0, zkey: tZkey - tPtau, contribute: tContribute - tZkey, export: tExport - tContribute, total: performance.now() - t0 },
      ptauGenerated: generated,
    };
  } catch (e) {
    if (e instanceof ZkInferError) throw e;
    throw new SetupError('SETUP_FAILED', `trusted setup failed: ${(e as Error).message}`, { cause: e, fix: 'check the ptau file and the build, then run `zkinfer setup` again' });
  } finally {
    await staged.cleanup();
  }
}

/** Paths inside the build directory are recorded relative to it (the build stays movable). */
function recordPath(buildDir: string, file: string): string {
  const rel = relative(resolve(buildDir), resolve(file));
  return !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(file);
}

/** Resolves a recorded ptau path. */
export function resolvePtauPath(buildDir: string, recorded: string): string {
  return isAbsolute(recorded) ? recorded : resolve(buildDir, recorded);
}
