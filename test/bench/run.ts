/**
 * `npm run bench`: one row per fixture (each benchmarked in its own process, so peak RSS is
 * that fixture's alone), printed as a table, then the throughput table (throughput.ts: batch
 * proofs per minute with 1 and 2 workers, wasm vs native witness, library vs snarkjs CLI).
 * `npm run bench -- wide-mlp` runs the scale fixture alone (wide.ts, several minutes);
 * `npm run bench -- digits-cnn throughput` picks sections. Timings are measurements, never
 * test assertions.
 */
import { execFileSync } from 'node:child_process';
import { benchWide } from './wide.ts';
import { runStep, table } from './measure.ts';

const ARGS = process.argv.slice(2);
const FIXTURES = ARGS.length
  ? ARGS.filter((a) => a !== 'throughput' && a !== 'wide-mlp')
  : ['digits-mlp', 'digits-cnn', 'digits-mlp-qdq', 'digits-cnn-qdq', 'digits-mlp-qlinear', 'digits-cnn-qlinear'];
const THROUGHPUT = ARGS.length === 0 || ARGS.includes('throughput');
const WIDE = ARGS.includes('wide-mlp');

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
  ['exact vs onnxruntime (quantized)', (r) => (r.exactRate === null || r.exactRate === undefined ? '—' : pct(r.exactRate))],
  ['accuracy vs labels (int / float)', (r) => `${pct(r.accuracy)} / ${pct(r.floatAccuracy)}`],
  ['gas: verifier', (r) => String(r.gasVerifier)],
  ['gas: registry', (r) => String(r.gasRegistry)],
];
const cells = rows.map((r) => columns.map(([, f]) => f(r)));
if (rows.length > 0) {
  console.log(`| ${columns.map(([h]) => h).join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const c of cells) console.log(`| ${c.join(' | ')} |`);
}

if (THROUGHPUT) {
  process.stderr.write('bench throughput…\n');
  const { result: t } = await runStep('test/bench/throughput.ts', []);
  const w = t.witness as Record<string, { wasmMs: number; nativeMs: number; nativeBuildS: number }>;
  const perMin = (x: unknown): string => `${Number(x).toFixed(1)} /min`;
  console.log(`\nthroughput (${t.cores} cores; digits-cnn batch of 32)`);
  console.log(
    table(
      ['measure', 'value'],
      [
        ['sequential Prover', perMin(t.sequentialPerMin)],
        ['ProverPool, 1 worker', perMin(t.pool1PerMin)],
        ['ProverPool, 2 workers', `${perMin(t.pool2PerMin)} (${(Number(t.pool2PerMin) / Number(t.pool1PerMin)).toFixed(2)}× 1 worker)`],
        ['ProverPool, 2 workers, native witness', perMin(t.pool2NativePerMin)],
        ...Object.entries(w).map(([f, x]) => [`witness ${f}: wasm / native (median of 10)`, `${x.wasmMs.toFixed(1)} ms / ${x.nativeMs.toFixed(1)} ms (${(x.wasmMs / x.nativeMs).toFixed(2)}×; native build ${x.nativeBuildS.toFixed(1)} s, once)`]),
        ['warm library proof (median of 3)', `${Number(t.libraryProveS).toFixed(3)} s`],
        ['`snarkjs groth16 prove` CLI, same zkey + witness', `${Number(t.cliProveS).toFixed(3)} s (${Number(t.cliOverLibrary).toFixed(2)}× the library)`],
      ],
    ),
  );
}

if (WIDE) console.log(await benchWide());
