/**
 * Bench of the visibility modes (issue 5): constraints and proving time of each
 * --input/--output/--weights mode on the digits fixtures. For the lead's bench:
 *
 *   import { benchModes, formatModesTable } from './modes.ts';
 *   const rows = await benchModes();            // default: DEFAULT_MODES × both digits fixtures
 *   console.log(formatModesTable(rows));
 *
 * Run alone: `npx tsx test/bench/modes.ts [--all]` (--all: the 12 combinations).
 * Builds are shared with the privacy tests (build/test/privacy/, compile cached, setup once with an
 * INSECURE dev ptau). Prove time: median of `proofs` proofs with a loaded Prover (excludes zkey
 * loading and curve set-up), witness generation excluded (reported separately).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Prover } from '../../src/prover/Prover.ts';
import { shutdown } from '../../src/prover/shutdown.ts';
import { verify } from '../../src/prover/verify.ts';
import { ALL_MODES, fixtureDir, modeName, prebuild, privacyBuild, type Mode } from '../privacy/builds.ts';

export interface ModeRow {
  fixture: string;
  mode: string;
  input: Mode['input'];
  output: Mode['output'];
  weights: Mode['weights'];
  /** Constraints of the compiled circuit (r1cs). */
  constraints: number;
  /** The cost model's estimate before compiling (what inspect prints). */
  estimate: number;
  publicSignals: number;
  /** Median over the proofs, milliseconds. */
  witnessMs: number;
  proveMs: number;
  verifyMs: number;
}

/** One mode per option value change from the default, plus everything private. */
export const DEFAULT_MODES: Mode[] = [
  { input: 'private', output: 'public', weights: 'constant' },
  { input: 'public', output: 'public', weights: 'constant' },
  { input: 'hashed', output: 'public', weights: 'constant' },
  { input: 'private', output: 'hashed', weights: 'constant' },
  { input: 'private', output: 'public', weights: 'committed' },
  { input: 'hashed', output: 'hashed', weights: 'committed' },
];

export const FIXTURES = ['digits-mlp', 'digits-cnn'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchModes(options: { fixtures?: string[]; modes?: Mode[]; proofs?: number; log?: (line: string) => void } = {}): Promise<ModeRow[]> {
  const rows: ModeRow[] = [];
  const proofs = options.proofs ?? 3;
  for (const fixture of options.fixtures ?? FIXTURES) {
    const input = JSON.parse(readFileSync(join(fixtureDir(fixture), 'input.json'), 'utf8'));
    options.log?.(`${fixture}: setting up new builds (two at a time)`);
    await prebuild(fixture, options.modes ?? DEFAULT_MODES);
    for (const mode of options.modes ?? DEFAULT_MODES) {
      options.log?.(`${fixture} ${modeName(mode)}: build`);
      const b = await privacyBuild(fixture, mode);
      const prover = await Prover.load(b.paths.dir);
      const w: number[] = [];
      const p: number[] = [];
      const v: number[] = [];
      try {
        for (let i = 0; i < proofs; i++) {
          const r = await prover.prove(input, { salts: { input: 1n, output: 2n } });
          w.push(r.witnessMs);
          p.push(r.proveMs);
          const t = performance.now();
          if (!(await verify(b.paths.dir, r.proof, r.publicSignals)).valid) throw new Error(`${fixture} ${modeName(mode)}: proof does not verify`);
          v.push(performance.now() - t);
        }
      } finally {
        await prover.close();
      }
      rows.push({
        fixture, mode: modeName(mode), ...mode,
        constraints: b.manifest.circuit.constraints, estimate: b.estimate.total, publicSignals: b.manifest.publicSignals.total,
        witnessMs: median(w), proveMs: median(p), verifyMs: median(v),
      });
      options.log?.(`${fixture} ${modeName(mode)}: ${b.manifest.circuit.constraints} constraints, prove ${median(p).toFixed(0)} ms`);
    }
  }
  return rows;
}

export function formatModesTable(rows: ModeRow[]): string {
  const head = '| fixture | input | output | weights | constraints | estimate | public signals | witness ms | prove ms | verify ms |';
  const sep = '|---|---|---|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) =>
    `| ${r.fixture} | ${r.input} | ${r.output} | ${r.weights} | ${r.constraints} | ${r.estimate} | ${r.publicSignals} | ${r.witnessMs.toFixed(0)} | ${r.proveMs.toFixed(0)} | ${r.verifyMs.toFixed(0)} |`);
  return [head, sep, ...lines].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const modes = process.argv.includes('--all') ? ALL_MODES : DEFAULT_MODES;
  benchModes({ modes, log: (l) => process.stderr.write(`${l}\n`) })
    .then((rows) => console.log(formatModesTable(rows)))
    .finally(() => shutdown());
}
