/**
 * Native witness generator: circom's `--c` output built with g++ (design §7, issue 6).
 *
 * `ensureNativeWitness(buildDir)` regenerates the C++ from the build's model.circom with the
 * build's own circom and optimisation level (--O1 when it has external linear layers, else
 * --O2: the witness layout depends on it), runs `make` in <build>/model_cpp/ and records a
 * stamp (r1cs sha256, circom version) so later calls reuse the binary. Its witness is
 * byte-identical to the WebAssembly calculator's (tested) and several times faster.
 * It needs g++, make, nasm, GMP and nlohmann-json headers: `scripts/install-native-deps.sh`
 * installs them (Debian: nasm libgmp-dev nlohmann-json3-dev); a missing piece is reported by name.
 *
 * `NativeWitness.calculateWTNSBin(input)` runs the binary on a temporary input JSON and reads the
 * .wtns it writes (values as decimal strings reduced mod p: the C++ reader rejects '-').
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ArtifactError, ProofError, ZkInferError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { buildPaths } from '../paths.ts';
import { runCircom } from '../compiler/circom/runCircom.ts';
import { EXTERNAL_LINEAR_OPTIMIZE } from '../compiler/lower/externalLinear.ts';
import { toJson } from '../util/files.ts';

/** BN254 scalar field: circom's default prime, the witness's field. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const INSTALL = 'bash scripts/install-native-deps.sh (Debian/Ubuntu: apt-get install -y g++ make nasm libgmp-dev nlohmann-json3-dev)';

/** The native toolchain is missing something. */
export class NativeToolchainError extends ZkInferError {
  override name = 'NativeToolchainError';
}

const has = (cmd: string, args: string[] = ['--version']): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const header = (h: string): boolean =>
  spawnSync('g++', ['-E', '-x', 'c++', '-'], { input: `#include <${h}>\n`, stdio: ['pipe', 'ignore', 'ignore'] }).status === 0;

/** What is missing to build the native witness generator ([] when everything is there). */
export function missingNativeToolchain(): string[] {
  const missing: string[] = [];
  const gpp = has('g++');
  if (!gpp) missing.push('g++');
  if (!has('make')) missing.push('make');
  if (!has('nasm', ['-v'])) missing.push('nasm');
  if (gpp && !header('gmp.h')) missing.push('libgmp-dev (gmp.h)');
  if (gpp && !header('nlohmann/json.hpp')) missing.push('nlohmann-json3-dev (nlohmann/json.hpp)');
  return missing;
}

export function assertNativeToolchain(): void {
  const missing = missingNativeToolchain();
  if (missing.length > 0) {
    throw new NativeToolchainError('NATIVE_TOOLCHAIN_MISSING', `the native witness generator needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed`, {
      fix: `run ${INSTALL}, or use the WebAssembly witness (--witness wasm)`,
      details: { missing },
    });
  }
}

interface Stamp {
  r1csSha256: string;
  circom: string;
  optimize: number;
  /** g++ optimisation the binary was built with (informational: any level gives the same witness). */
  cxx?: CxxOptimization;
}

/** g++ optimisation of the native generator: O3 (circom's default, fastest witness) or O0 (fastest build). */
export type CxxOptimization = 'O0' | 'O3';

const cppDirOf = (buildDir: string): string => join(buildPaths(buildDir).dir, 'model_cpp');
export const nativeBinaryOf = (buildDir: string): string => join(cppDirOf(buildDir), 'model');
const stampOf = (buildDir: string): string => join(cppDirOf(buildDir), 'zkinfer-stamp.json');

function wantedStamp(manifest: Manifest): Stamp {
  return {
    r1csSha256: manifest.circuit.r1csSha256,
    circom: manifest.circuit.circom,
    optimize: manifest.circuit.externalLinear ? EXTERNAL_LINEAR_OPTIMIZE : 2,
  };
}

/** Is the native binary of this build present and made for its current circuit? */
export async function nativeWitnessReady(buildDir: string, manifest: Manifest): Promise<boolean> {
  if (!existsSync(nativeBinaryOf(buildDir)) || !existsSync(stampOf(buildDir))) return false;
  try {
    const stamp = JSON.parse(await readFile(stampOf(buildDir), 'utf8')) as Stamp;
    const want = wantedStamp(manifest);
    return stamp.r1csSha256 === want.r1csSha256 && stamp.circom === want.circom && stamp.optimize === want.optimize;
  } catch {
    return false;
  }
}

function make(dir: string, cxxOpt: CxxOptimization, onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const jobs = String(Math.max(1, Math.min(cpus().length, 4)));
    // circom's Makefile builds with -O3; -O0 compiles ~4× faster (tests) and runs slower.
    const args = ['-j', jobs, ...(cxxOpt === 'O3' ? [] : [`CFLAGS=-std=c++11 -${cxxOpt} -I.`])];
    const child = spawn('make', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const feed = (d: Buffer): void => {
      out += d.toString();
      for (const l of d.toString().split('\n')) if (l.trim()) onLine?.(l);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else {
        const tail = out.trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 10).join('\n') || out.trim().split('\n').slice(-10).join('\n');
        reject(new ArtifactError('NATIVE_BUILD_FAILED', `building the native witness generator failed (make exited with ${code}):\n${tail}`, {
          fix: `check the toolchain (${INSTALL}); or use the WebAssembly witness (--witness wasm)`,
          details: { output: out },
        }));
      }
    });
  });
}

/**
 * Builds <build>/model_cpp/model unless it is up to date; returns the binary's path.
 * Concurrent callers may both build; each builds in its own folder and the last rename wins.
 */
export async function ensureNativeWitness(
  buildDir: string,
  manifest: Manifest,
  onProgress?: (line: string) => void,
  options: { cxx?: CxxOptimization } = {},
): Promise<string> {
  if (await nativeWitnessReady(buildDir, manifest)) return nativeBinaryOf(buildDir);
  assertNativeToolchain();
  const paths = buildPaths(buildDir);
  if (!existsSync(paths.circom)) {
    throw new ArtifactError('ARTIFACT_MISSING', `${paths.circom} is missing (the native witness generator is built from it)`, {
      fix: 'recompile with `zkinfer compile`',
      details: { file: paths.circom },
    });
  }
  const want = wantedStamp(manifest);
  const work = await mkdtemp(join(paths.dir, '.native-'));
  try {
    onProgress?.('circom --c');
    const r = await runCircom({ mainFile: paths.circom, outDir: work, optimize: want.optimize as 1 | 2, wasm: false, sym: false, c: true, onProgress });
    if (r.circomVersion !== want.circom) {
      throw new ArtifactError('NATIVE_CIRCOM_VERSION', `the build was compiled with circom ${want.circom}, this toolkit has circom ${r.circomVersion}`, {
        fix: 'recompile with `zkinfer compile`, then build the native witness again',
      });
    }
    // The C++ must describe the build's circuit: circuits/ may have changed since it was compiled.
    const appended = (manifest.circuit.externalLinear?.layers ?? []).reduce((a, l) => a + l.rows, 0);
    if (r.wires !== manifest.circuit.wires || r.constraints + appended !== manifest.circuit.constraints) {
      throw new ArtifactError('NATIVE_CIRCUIT_MISMATCH', `model.circom no longer compiles to the build's circuit (${r.wires} wires / ${r.constraints + appended} constraints, the manifest says ${manifest.circuit.wires} / ${manifest.circuit.constraints}): the circuit templates changed since it was compiled`, {
        fix: 'recompile with `zkinfer compile --force`, then set it up again',
      });
    }
    const cpp = r.cppDir!;
    onProgress?.('make');
    const cxx = options.cxx ?? 'O3';
    await make(cpp, cxx, onProgress);
    await writeFile(join(cpp, 'zkinfer-stamp.json'), toJson({ ...want, cxx }));
    await rm(cppDirOf(buildDir), { recursive: true, force: true });
    await rename(cpp, cppDirOf(buildDir));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return nativeBinaryOf(buildDir);
}

/** Circuit input (bigints, numbers, nested arrays) as the JSON circom's C++ main accepts. */
export function nativeInputJson(input: Record<string, unknown>): string {
  const conv = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(conv);
    if (typeof v === 'bigint') return (((v % P) + P) % P).toString();
    if (typeof v === 'number') return conv(BigInt(v));
    if (typeof v === 'string') return conv(BigInt(v));
    return v;
  };
  return JSON.stringify(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, conv(v)])));
}

/** A circom-calculator-shaped wrapper around the native binary (see witness.ts). */
export class NativeWitness {
  constructor(readonly binary: string) {}

  static async load(buildDir: string, manifest: Manifest): Promise<NativeWitness> {
    if (!(await nativeWitnessReady(buildDir, manifest))) {
      throw new ArtifactError('NATIVE_WITNESS_MISSING', `${nativeBinaryOf(buildDir)} is missing or was built for another circuit`, {
        fix: 'build it with ensureNativeWitness() (the CLI does: zkinfer prove --witness native)',
      });
    }
    return new NativeWitness(nativeBinaryOf(buildDir));
  }

  async calculateWTNSBin(input: Record<string, unknown>): Promise<Uint8Array> {
    // Files, not pipes: Node gives children sockets, which the binary cannot open as /dev/stdin.
    const dir = await mkdtemp(join(tmpdir(), 'zkinfer-wtns-'));
    try {
      const inFile = join(dir, 'input.json');
      const outFile = join(dir, 'witness.wtns');
      await writeFile(inFile, nativeInputJson(input));
      const { code, signal, stderr } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolvePromise, reject) => {
        const child = spawn(this.binary, [inFile, outFile], { cwd: dirname(this.binary), stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (c, sig) => resolvePromise({ code: c, signal: sig, stderr: err }));
      });
      const bytes = code === 0 && existsSync(outFile) ? new Uint8Array(await readFile(outFile)) : undefined;
      if (!bytes || bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'wtns') {
        throw new ProofError('WITNESS_FAILED', `native witness generation failed (${basename(this.binary)} ${signal ? `killed by ${signal}` : `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}`, {
          fix: 'the input does not satisfy the circuit (check it against the manifest); if it does, use --witness wasm and report it',
        });
      }
      return bytes;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
