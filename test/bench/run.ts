/**
 * `npm run bench`: one row per fixture (each benchmarked in its own process, so peak RSS is
 * that fixture's alone), printed as a table. Timings are measurements, never test assertions.
 */
import { execFileSync } from 'node:child_process';

const FIXTURES = process.argv.slice(2).length ? process.argv.slice(2) : ['digits-mlp', 'digits-cnn'];

const rows = FIXTURES.map((f) => {
  process.stderr.write(`bench ${f}…\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/bench/fixture.ts', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
});

const pct = (x: unknown): string => `${(100 * Number(x)).toFixed(2)} %`;
const s = (x: unknown): string => `${Number(x).toFixed(2)} s`;
const columns: [string, (r: Record<string, number | string>) => string][] = [
  ['fixture', (r) => String(r.fixture)],
  ['constraints', (r) => String(r.constraints)],
  ['public signals', (r) => String(r.publicSignals)],
  ['compile', (r) => s(r.compileS)],
  ['setup (dev)', (r) => s(r.setupS)],
  ['witness', (r) => s(r.witnessS)],
  ['prove (warm, median of 5)', (r) => s(r.proveS)],
  ['verify', (r) => s(r.verifyS)],
  ['peak RSS', (r) => `${Number(r.peakRssMb).toFixed(0)} MB`],
  ['argmax agreement vs float', (r) => pct(r.agreement)],
  ['accuracy vs labels (int / float)', (r) => `${pct(r.accuracy)} / ${pct(r.floatAccuracy)}`],
  ['gas: verifier', (r) => String(r.gasVerifier)],
  ['gas: registry', (r) => String(r.gasRegistry)],
];
const cells = rows.map((r) => columns.map(([, f]) => f(r)));
console.log(`| ${columns.map(([h]) => h).join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const c of cells) console.log(`| ${c.join(' | ')} |`);
