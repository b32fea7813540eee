import { createRequire } from 'node:module';
import { join } from 'node:path';
/**
 * Typed access to snarkjs 0.7.6 and ffjavascript 0.3, which ship without TypeScript
 * declarations. Only the parts zkinfer uses are typed; the modules are loaded lazily (and
 * once) through a non-literal dynamic import so no global `declare module` is needed.
 */

/** A snarkjs/fastfile file reference: a path, or an in-memory file. */
export type FileRef = string | MemFile;
export interface MemFile { type: 'mem'; data?: Uint8Array }

export interface SnarkLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  vk_alphabeta_12?: unknown;
  IC: string[][];
}

/** A field of ffjavascript (elements are Uint8Arrays in Montgomery form). */
export interface WasmField {
  n8: number;
  one: Uint8Array;
  zero: Uint8Array;
  /** Roots of unity: w[k] has order 2^k. */
  w: Uint8Array[];
  s: number;
  e(a: bigint | number | string): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  sub(a: Uint8Array, b: Uint8Array): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(a: Uint8Array): Uint8Array;
  inv(a: Uint8Array): Uint8Array;
  exp(a: Uint8Array, e: bigint | number): Uint8Array;
  eq(a: Uint8Array, b: Uint8Array): boolean;
  isZero(a: Uint8Array): boolean;
  square(a: Uint8Array): Uint8Array;
  toObject(a: Uint8Array): bigint;
  fromObject(a: bigint): Uint8Array;
  toString(a: Uint8Array, radix?: number): string;
  fromRng(rng: ChaChaRng): Uint8Array;
  random(): Uint8Array;
  toRprLE(buff: Uint8Array, offset: number, a: Uint8Array): void;
  fromRprLE(buff: Uint8Array, offset?: number): Uint8Array;
  ifft(buff: Uint8Array): Promise<Uint8Array>;
  fft(buff: Uint8Array): Promise<Uint8Array>;
  batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
  batchFromMontgomery(buff: Uint8Array): Promise<Uint8Array>;
  batchToMontgomery(buff: Uint8Array): Promise<Uint8Array>;
}

/** An elliptic-curve group of ffjavascript (points: affine 2·n8 or Jacobian 3·n8 bytes). */
export interface WasmGroup {
  F: WasmField & { n8: number };
  g: Uint8Array;
  oneAffine: Uint8Array;
  zeroAffine: Uint8Array;
  zero: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(a: Uint8Array): Uint8Array;
  eq(a: Uint8Array, b: Uint8Array): boolean;
  isZero(a: Uint8Array): boolean;
  isValid(a: Uint8Array): boolean;
  toAffine(a: Uint8Array): Uint8Array;
  timesFr(a: Uint8Array, s: Uint8Array): Uint8Array;
  timesScalar(a: Uint8Array, s: Uint8Array | bigint): Uint8Array;
  fromRng(rng: ChaChaRng): Uint8Array;
  fromObject(o: unknown): Uint8Array;
  toObject(a: Uint8Array): unknown;
  toRprLEM(buff: Uint8Array, offset: number, p: Uint8Array): void;
  fromRprLEM(buff: Uint8Array, offset?: number): Uint8Array;
  toRprUncompressed(buff: Uint8Array, offset: number, p: Uint8Array): void;
  toUncompressed(p: Uint8Array): Uint8Array;
  batchLEMtoC(buff: Uint8Array): Promise<Uint8Array>;
  batchLEMtoU(buff: Uint8Array): Promise<Uint8Array>;
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
}

export interface WasmCurve {
  name: string;
  q: bigint;
  r: bigint;
  Fr: WasmField;
  F1: WasmField;
  G1: WasmGroup;
  G2: WasmGroup;
  terminate(): Promise<void>;
  tm: { code?: Uint8Array; concurrency: number };
}

export interface ChaChaRng {
  nextU32(): number;
  nextBool(): boolean;
}

export interface Snarkjs {
  groth16: {
    prove(zkey: FileRef, wtns: FileRef, logger?: SnarkLogger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: VerificationKey, publicSignals: string[], proof: Groth16Proof, logger?: SnarkLogger): Promise<boolean>;
  };
  zKey: {
    newZKey(r1cs: FileRef, ptau: FileRef, zkey: FileRef, logger?: SnarkLogger): Promise<Uint8Array | number>;
    contribute(oldZkey: FileRef, newZkey: FileRef, name: string, entropy: string, logger?: SnarkLogger): Promise<Uint8Array>;
    beacon(oldZkey: FileRef, newZkey: FileRef, name: string, beaconHash: string, numIterationsExp: number, logger?: SnarkLogger): Promise<Uint8Array | false>;
    verifyFromR1cs(r1cs: FileRef, ptau: FileRef, zkey: FileRef, logger?: SnarkLogger): Promise<boolean>;
    exportVerificationKey(zkey: FileRef, logger?: SnarkLogger): Promise<VerificationKey>;
    exportSolidityVerifier(zkey: FileRef, templates: { groth16: string }, logger?: SnarkLogger): Promise<string>;
  };
  powersOfTau: {
    newAccumulator(curve: WasmCurve, power: number, file: FileRef, logger?: SnarkLogger): Promise<Uint8Array>;
    contribute(oldPtau: FileRef, newPtau: FileRef, name: string, entropy: string, logger?: SnarkLogger): Promise<Uint8Array>;
    beacon(oldPtau: FileRef, newPtau: FileRef, name: string, beaconHash: string, numIterationsExp: number, logger?: SnarkLogger): Promise<Uint8Array>;
    preparePhase2(oldPtau: FileRef, newPtau: FileRef, logger?: SnarkLogger): Promise<void>;
    verify(ptau: FileRef, logger?: SnarkLogger): Promise<boolean>;
  };
  curves: { getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<WasmCurve> };
}

export interface Ffjavascript {
  buildBn128(singleThread?: boolean): Promise<WasmCurve>;
  ChaCha: new (seed?: number[]) => ChaChaRng;
}

// Non-literal specifiers: TypeScript types these imports as `any` instead of looking for declarations.
const SNARKJS: string = 'snarkjs';
const FFJAVASCRIPT: string = 'ffjavascript';

let snarkjsPromise: Promise<Snarkjs> | undefined;
let ffPromise: Promise<Ffjavascript> | undefined;

export function loadSnarkjs(): Promise<Snarkjs> {
  snarkjsPromise ??= import(SNARKJS) as Promise<Snarkjs>;
  return snarkjsPromise;
}

export function loadFfjavascript(): Promise<Ffjavascript> {
  ffPromise ??= import(FFJAVASCRIPT) as Promise<Ffjavascript>;
  return ffPromise;
}

/** The shared multi-threaded BN254 curve (the same instance snarkjs uses: globalThis.curve_bn128). */
export async function bn128(): Promise<WasmCurve> {
  const snarkjs = await loadSnarkjs();
  return snarkjs.curves.getCurveFromName('bn128');
}

/** Resolved location of snarkjs's package folder (for its Solidity templates). */
export function snarkjsPackageDir(): string {
  // createRequire works under every loader (tsx may compile this file to CommonJS, where
  // import.meta.resolve does not exist). snarkjs's CJS entry lives in build/: go up to the package.
  const entry = createRequire(import.meta.url).resolve(SNARKJS);
  return join(entry.slice(0, entry.lastIndexOf('node_modules/snarkjs/') + 'node_modules/snarkjs/'.length));
}

/** A logger that records snarkjs's messages (snarkjs reports many failures only through it). */
export function recordingLogger(onInfo?: (msg: string) => void): SnarkLogger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    debug: () => {},
    info: (m: string) => onInfo?.(m),
    warn: (m: string) => { warnings.push(String(m)); },
    error: (m: string) => { errors.push(String(m)); },
  };
}
