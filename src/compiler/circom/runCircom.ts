/**
 * Compiles a circom main file with circom2 (circom 2.2.3 in WebAssembly, the `circom2` npm
 * package) in a child process, and reports the circuit's size from the `.r1cs` header.
 *
 * circom2 cannot read files above its working directory, so the main file and everything it
 * includes (zkinfer's circuits/, circomlib) are first copied into a stage folder inside outDir
 * (see stage.ts); circom runs there and its outputs are then renamed into outDir:
 *   outDir/<name>.r1cs, outDir/<name>.sym, outDir/<name>_js/<name>.wasm (+ witness_calculator.js,
 *   generate_witness.js and a package.json marking that folder CommonJS, so the generated
 *   JavaScript loads inside this ESM package), outDir/<name>_cpp/ with `c: true`.
 * A failed compile throws CircuitError('CIRCOM_COMPILE_FAILED') quoting circom's own error lines
 * (file names mapped back to the original paths).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { CircuitError } from '../../errors.ts';
import { readR1csSummary } from './r1csFile.ts';
import { STAGE_LIBRARY_ARGS, stageCircuit, unstageMessage, type Stage } from './stage.ts';

export { circuitsDir, includePathsFor, nodeModulesDir, projectRoot } from './stage.ts';

const require = createRequire(import.meta.url);

export interface RunCircomOptions {
  /** The circom file declaring `component main`. */
  mainFile: string;
  /** Where the artifacts land (created if missing). */
  outDir: string;
  /** 0, 1 or 2 (default): --O2 substitutes every linear constraint away, so linear layers cost nothing. */
  optimize?: 0 | 1 | 2;
  wasm?: boolean;
  sym?: boolean;
  /** Also emit the C++ witness generator (outDir/<name>_cpp). */
  c?: boolean;
  /** circom --simplification_substitution: outDir/<name>_substitutions.json maps each simplified-away signal to the linear expression that replaced it. */
  substitutions?: boolean;
  /** circom --inspect: extra warnings about signals that look under-constrained. */
  inspect?: boolean;
  /** Each line circom prints (colours stripped), as it arrives. */
  onProgress?: (line: string) => void;
  /** Kill circom after this long (default: no limit). */
  timeoutMs?: number;
}

export interface RunCircomResult {
  /** Total constraints in the .r1cs (what Groth16 pays for). */
  constraints: number;
  /** Constraints with no product of two signals (0 at --O2 unless an output is pinned linearly). */
  linearConstraints: number;
  nonLinearConstraints: number;
  /** Witness length, including the constant wire 0. */
  wires: number;
  publicInputs: number;
  /** Private inputs of main as declared (circom's header counts them even when --O2 removed them from the witness). */
  privateInputs: number;
  /** Public outputs. */
  outputs: number;
  labels: number;
  /** Non-zero (wire, coefficient) terms in A, B and C: r1cs density, drives setup/proving cost. */
  nonZeroTerms: number;
  r1csFile: string;
  wasmFile?: string;
  /** outDir/<name>_js/witness_calculator.js (CommonJS; load it with createRequire). */
  witnessCalculatorFile?: string;
  symFile?: string;
  /** With `substitutions`: outDir/<name>_substitutions.json. */
  substitutionsFile?: string;
  cppDir?: string;
  circomVersion: string;
  /** Everything circom printed (stdout then stderr, colours stripped). */
  stdout: string;
  /** circom's warning headlines (e.g. signals that appear in no constraint). */
  warnings: string[];
  durationMs: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const strip = (s: string): string => s.replace(ANSI, '');

/** Path of circom2's command-line entry (run with the current node). */
export function circom2Cli(): string {
  return require.resolve('circom2/cli.js');
}

interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runProcess(args: string[], cwd: string, onLine?: (line: string) => void, timeoutMs?: number): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [circom2Cli(), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const pending = { out: '', err: '' };
    const feed = (which: 'out' | 'err', chunk: string): void => {
      if (!onLine) return;
      pending[which] += chunk;
      const lines = pending[which].split('\n');
      pending[which] = lines.pop() ?? '';
      for (const l of lines) onLine(strip(l));
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      feed('out', d);
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      feed('err', d);
    });
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs)
      : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (onLine) for (const rest of [pending.out, pending.err]) if (rest) onLine(strip(rest));
      resolvePromise({ code, signal, stdout: strip(stdout), stderr: strip(stderr), timedOut });
    });
  });
}

let versionPromise: Promise<string> | undefined;

/** circom's version as circom2 reports it, e.g. '2.2.3' (asked once per process). */
export function circomVersion(): Promise<string> {
  versionPromise ??= runProcess(['--version'], tmpdir()).then((r) => {
    const m = /circom compiler (\S+)/.exec(r.stdout + r.stderr);
    if (!m) {
      versionPromise = undefined;
      throw new CircuitError('CIRCOM_UNAVAILABLE', `cannot run circom2: ${(r.stdout + r.stderr).trim() || `exit code ${r.code}`}`, {
        fix: 'reinstall the circom2 package (npm install)',
      });
    }
    return m[1];
  });
  return versionPromise;
}

/** The lines of circom's output that explain a failure. */
function errorLines(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '' && !/previous errors were found/.test(l));
  const first = lines.findIndex((l) => /^\s*error\b|error\[/i.test(l));
  const relevant = first >= 0 ? lines.slice(first) : lines;
  const MAX = 60;
  return relevant.length > MAX ? [...relevant.slice(0, MAX), `… (${relevant.length - MAX} more lines)`].join('\n') : relevant.join('\n');
}

async function moveInto(from: string, to: string): Promise<void> {
  if (!existsSync(from)) return;
  await rm(to, { recursive: true, force: true });
  await rename(from, to);
}

export async function runCircom(options: RunCircomOptions): Promise<RunCircomResult> {
  const { mainFile, optimize = 2, wasm = true, sym = true, c = false, inspect = false, substitutions = false, onProgress, timeoutMs } = options;
  const outDir = resolve(options.outDir);
  if (!existsSync(mainFile)) {
    throw new CircuitError('CIRCOM_MAIN_MISSING', `circuit file ${mainFile} does not exist`, { fix: 'generate the circuit first' });
  }
  const started = Date.now();
  const versionP = circomVersion();
  versionP.catch(() => undefined); // awaited below; avoid an unhandled rejection if the compile fails first
  await mkdir(outDir, { recursive: true });
  const stageDir = join(outDir, `.circom-stage-${process.pid}-${randomBytes(4).toString('hex')}`);
  let stage: Stage | undefined;
  try {
    await mkdir(join(stageDir, 'out'), { recursive: true });
    stage = await stageCircuit(mainFile, stageDir);
    const name = basename(stage.main).replace(/\.circom$/, '');
    const args = [stage.main, '--r1cs', `--O${optimize}`, ...STAGE_LIBRARY_ARGS, '-o', 'out'];
    if (wasm) args.push('--wasm');
    if (sym) args.push('--sym');
    if (c) args.push('--c');
    if (inspect) args.push('--inspect');
    if (substitutions) args.push('--simplification_substitution');
    onProgress?.(`circom2 ${args.join(' ')}`);
    const r = await runProcess(args, stageDir, onProgress, timeoutMs);
    const output = unstageMessage([r.stdout, r.stderr].filter(Boolean).join('\n'), stage);
    const stagedR1cs = join(stageDir, 'out', `${name}.r1cs`);
    if (r.code !== 0 || !existsSync(stagedR1cs)) {
      const why = r.timedOut
        ? `circom did not finish within ${timeoutMs} ms`
        : r.signal
          ? `circom was killed by ${r.signal} (out of memory?)`
          : `circom failed to compile ${mainFile}`;
      throw new CircuitError('CIRCOM_COMPILE_FAILED', `${why}:\n${errorLines(output)}`, {
        fix: r.timedOut ? 'raise the timeout or reduce the model size' : 'fix the circuit at the location circom reports',
        details: { exitCode: r.code, signal: r.signal, output },
      });
    }

    const jsDir = join(stageDir, 'out', `${name}_js`);
    if (wasm && existsSync(jsDir)) await writeFile(join(jsDir, 'package.json'), '{ "type": "commonjs" }\n');
    await moveInto(join(stageDir, 'out', `${name}_js`), join(outDir, `${name}_js`));
    await moveInto(join(stageDir, 'out', `${name}_cpp`), join(outDir, `${name}_cpp`));
    await moveInto(join(stageDir, 'out', `${name}.sym`), join(outDir, `${name}.sym`));
    if (substitutions) await moveInto(join(stageDir, 'out', `${name}_substitutions.json`), join(outDir, `${name}_substitutions.json`));
    await moveInto(stagedR1cs, join(outDir, `${name}.r1cs`));

    const r1csFile = join(outDir, `${name}.r1cs`);
    const summary = await readR1csSummary(r1csFile);
    const h = summary.header;
    const warnings = output
      .split('\n')
      .filter((l) => /^\s*warning/i.test(l))
      .map((l) => l.trim());
    return {
      constraints: h.nConstraints,
      linearConstraints: summary.linearConstraints,
      nonLinearConstraints: h.nConstraints - summary.linearConstraints,
      wires: h.nWires,
      publicInputs: h.nPubInputs,
      privateInputs: h.nPrvInputs,
      outputs: h.nPubOutputs,
      labels: h.nLabels,
      nonZeroTerms: summary.nonZeroTerms,
      r1csFile,
      wasmFile: wasm ? join(outDir, `${name}_js`, `${name}.wasm`) : undefined,
      witnessCalculatorFile: wasm ? join(outDir, `${name}_js`, 'witness_calculator.js') : undefined,
      symFile: sym ? join(outDir, `${name}.sym`) : undefined,
      substitutionsFile: substitutions ? join(outDir, `${name}_substitutions.json`) : undefined,
      cppDir: c ? join(outDir, `${name}_cpp`) : undefined,
      circomVersion: await versionP,
      stdout: output,
      warnings,
      durationMs: Date.now() - started,
    };
  } finally {
    if (!process.env.ZKINFER_KEEP_STAGE) await rm(stageDir, { recursive: true, force: true });
  }
}
