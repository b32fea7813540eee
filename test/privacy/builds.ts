/**
 * Compiled-and-set-up builds of the fixtures in every visibility mode, shared by the privacy tests,
 * the chain test (test/chain/committedWeights.test.ts) and the modes bench: build/test/privacy/
 * <fixture>-<input>-<output>-<weights>/. compile() is cached by content, the setup runs once per
 * build; dev ptaus are generated once per power (fixed seed, INSECURE, tests only) and copied into
 * each build so setup reuses them. snarkjs's zkey generation is single-threaded: `prebuild` runs the
 * setups of several builds in parallel child processes (one per core).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import { writeDevPtau } from '../../src/prover/ptau/devPtau.ts';
import { requiredPower } from '../../src/prover/ptau/ptauInfo.ts';
import { setup } from '../../src/prover/setup.ts';

export type InputMode = 'private' | 'public' | 'hashed';
export type OutputMode = 'public' | 'hashed';
export type WeightsMode = 'constant' | 'committed';
export interface Mode {
  input: InputMode;
  output: OutputMode;
  weights: WeightsMode;
}

export const ALL_MODES: Mode[] = (['private', 'public', 'hashed'] as const).flatMap((input) =>
  (['public', 'hashed'] as const).flatMap((output) => (['constant', 'committed'] as const).map((weights) => ({ input, output, weights }))),
);

export const modeName = (m: Mode): string => `${m.input}-${m.output}-${m.weights}`;
export const ROOT = join('build', 'test', 'privacy');
export const fixtureDir = (f: string): string => join('fixtures', 'models', f);

const builds = new Map<string, Promise<CompileResult>>();
const ptaus = new Map<number, Promise<string>>();

/** A shared INSECURE dev ptau of this power (tests and bench only). */
function sharedPtau(power: number): Promise<string> {
  if (!ptaus.has(power)) {
    ptaus.set(power, (async () => {
      const file = join(ROOT, `dev-${power}.ptau`);
      if (!existsSync(file)) {
        const tmp = `${file}.${process.pid}.tmp`;
        await writeDevPtau({ power, file: tmp, seed: `zkinfer privacy tests ${power}` });
        await rename(tmp, file);
      }
      return file;
    })());
  }
  return ptaus.get(power)!;
}

/** Compiles (cached) and sets up (once) `fixture` in `mode`. */
export function privacyBuild(fixture: string, mode: Mode, opts: { setup?: boolean } = {}): Promise<CompileResult> {
  const key = `${fixture}-${modeName(mode)}-${opts.setup ?? true}`;
  if (!builds.has(key)) {
    builds.set(key, (async () => {
      const r = await compile({
        model: join(fixtureDir(fixture), 'model.onnx'),
        outDir: join(ROOT, `${fixture}-${modeName(mode)}`),
        calibration: join(fixtureDir(fixture), 'samples.json'),
        ...mode,
      });
      if ((opts.setup ?? true) && !r.manifest.setup) {
        const c = r.manifest.circuit;
        const power = requiredPower({ nConstraints: c.constraints, nPubInputs: c.publicInputs, nOutputs: c.outputs });
        if (!existsSync(r.paths.devPtau)) {
          await mkdir(r.paths.dir, { recursive: true });
          await copyFile(await sharedPtau(power), r.paths.devPtau);
        }
        const s = await setup({ buildDir: r.paths.dir, dev: true });
        return { ...r, manifest: s.manifest };
      }
      return r;
    })());
    builds.get(key)!.catch(() => builds.delete(key));
  }
  return builds.get(key)!;
}

const buildDirOf = (fixture: string, mode: Mode): string => join(ROOT, `${fixture}-${modeName(mode)}`);

function hasSetup(dir: string): boolean {
  try {
    return existsSync(join(dir, 'model.zkey')) && Boolean((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { setup?: unknown }).setup);
  } catch {
    return false;
  }
}

/**
 * Sets up the builds of `modes` that have no setup yet in `workers` parallel child processes
 * (compiles them here first, and writes the shared dev ptaus, so the children only run snarkjs).
 */
export async function prebuild(fixture: string, modes: Mode[], workers = 2): Promise<void> {
  const todo: Array<{ mode: Mode; cost: number }> = [];
  for (const m of modes) {
    // compile() is cached by content; a stale build is recompiled here, which drops its old setup.
    const r = await privacyBuild(fixture, m, { setup: false });
    if (r.manifest.setup && hasSetup(buildDirOf(fixture, m))) continue;
    const c = r.manifest.circuit;
    const power = requiredPower({ nConstraints: c.constraints, nPubInputs: c.publicInputs, nOutputs: c.outputs });
    todo.push({ mode: m, cost: 2 ** power });
    await sharedPtau(power);
  }
  if (todo.length < 2 || workers < 2) return;
  // Longest first, each to the least loaded worker (setup time grows with the domain size).
  const queues: Mode[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  for (const t of todo.sort((a, b) => b.cost - a.cost)) {
    const w = load.indexOf(Math.min(...load));
    queues[w].push(t.mode);
    load[w] += t.cost;
  }
  await Promise.all(queues.filter((q) => q.length > 0).map((q) => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/privacy/builds.ts', fixture, ...q.map(modeName)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prebuild ${fixture} ${q.map(modeName).join(' ')} failed (${code}):\n${err}`))));
  })));
}

let allMlp: Promise<void> | undefined;

/**
 * Every mode of the digits MLP set up (once per process, setups two at a time): the privacy test
 * files call it first, so a cold run pays the committed-weights setups in parallel, once.
 */
export function prebuildMlp(): Promise<void> {
  allMlp ??= prebuild('digits-mlp', ALL_MODES);
  return allMlp;
}

// Child process of prebuild: node --import tsx test/privacy/builds.ts <fixture> <mode name>...
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [fixture, ...names] = process.argv.slice(2);
  const modes = names.map((n) => ALL_MODES.find((m) => modeName(m) === n)!);
  (async () => {
    for (const m of modes) await privacyBuild(fixture, m);
    const { shutdown } = await import('../../src/prover/shutdown.ts');
    await shutdown();
  })().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
