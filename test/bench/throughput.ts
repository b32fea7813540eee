/**
 * Throughput bench (issue 6), in its own process, on the bench builds that fixture.ts made
 * (compiled and set up if missing). Prints one JSON line:
 *  - proofs per minute for a batch of 32 digits-CNN inputs: the sequential Prover, and a
 *    ProverPool with 1 and 2 workers (wasm witness), and 2 workers with the native witness;
 *  - witness time, WebAssembly vs native (median of 10, per fixture; native includes its process
 *    start and file I/O), and the one-off native build time;
 *  - the warm library proof (in-memory zkey and witness, curve built) vs one run of the
 *    `snarkjs groth16 prove` CLI on the same zkey and witness file, as a ratio.
 * Measurements only, never assertions.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/compiler/compile.ts';
import { loadBuild } from '../../src/prover/artifacts.ts';
import { encodeInput } from '../../src/prover/encodeInput.ts';
import { loadSnarkjs, snarkjsPackageDir } from '../../src/prover/lib/snarkjs.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { ProverPool } from '../../src/prover/pool/ProverPool.ts';
import { setup } from '../../src/prover/setup.ts';
import { shutdown } from '../../src/prover/shutdown.ts';
import { loadWitness } from '../../src/prover/witness.ts';
import { ensureNativeWitness } from '../../src/prover/witnessNative.ts';
import { median, time } from './measure.ts';

const log = (m: string): void => void process.stderr.write(`  ${m}\n`);

async function benchBuild(fixture: string): Promise<string> {
  const dir = join('fixtures', 'models', fixture);
  const c = await compile({ model: join(dir, 'model.onnx'), outDir: join('build', 'bench', fixture), calibration: join(dir, 'samples.json') });
  if (!c.manifest.setup) await setup({ buildDir: c.paths.dir, dev: true });
  return c.paths.dir;
}

const samplesOf = (fixture: string): unknown[] => (JSON.parse(readFileSync(join('fixtures', 'models', fixture, 'samples.json'), 'utf8')) as { inputs: unknown[] }).inputs;

/** Proofs per minute for `inputs` on a pool (after one warm-up proof per worker). */
async function poolRate(dir: string, inputs: unknown[], workers: number, witness: 'wasm' | 'native'): Promise<number> {
  const pool = await ProverPool.create(dir, { workers, witness });
  try {
    await Promise.all(inputs.slice(0, workers).map((x) => pool.prove(x)));
    const [, s] = await time(() => Promise.all(inputs.map((x) => pool.prove(x))));
    return inputs.length / (s / 60);
  } finally {
    await pool.close();
  }
}

const out: Record<string, unknown> = {};

// 1. Batch throughput, digits-CNN, 32 inputs.
const cnn = await benchBuild('digits-cnn');
const batch = samplesOf('digits-cnn').slice(0, 32);
{
  log('sequential Prover, 32 digits-CNN inputs');
  const p = await Prover.load(cnn);
  await p.prove(batch[0]);
  const [, s] = await time(async () => {
    for (const x of batch) await p.prove(x);
  });
  await p.close();
  out.sequentialPerMin = batch.length / (s / 60);
}
for (const workers of [1, 2]) {
  log(`ProverPool, ${workers} worker(s), wasm witness`);
  out[`pool${workers}PerMin`] = await poolRate(cnn, batch, workers, 'wasm');
}

// 2. Witness time, wasm vs native.
const witness: Record<string, unknown> = {};
for (const fixture of ['digits-mlp', 'digits-cnn']) {
  const dir = await benchBuild(fixture);
  const build = await loadBuild(dir, { artifacts: ['wasm'] });
  log(`native witness build, ${fixture}`);
  const [, buildS] = await time(() => ensureNativeWitness(dir, build.manifest));
  const wasm = await loadWitness(build, { witness: 'wasm' });
  const native = await loadWitness(build, { witness: 'native' });
  const inputs = samplesOf(fixture).slice(0, 10).map((x) => encodeInput(build.manifest, x));
  const per = async (w: typeof wasm): Promise<number> => {
    await w.calculate(inputs[0]);
    const ts: number[] = [];
    for (const x of inputs) ts.push((await time(() => w.calculate(x)))[1] * 1000);
    return median(ts);
  };
  witness[fixture] = { wasmMs: await per(wasm), nativeMs: await per(native), nativeBuildS: buildS };
}
out.witness = witness;
log('ProverPool, 2 workers, native witness');
out.pool2NativePerMin = await poolRate(cnn, batch, 2, 'native');

// 3. Warm library proof vs the snarkjs CLI, same zkey and witness.
{
  const build = await loadBuild(cnn, { artifacts: ['wasm'] });
  const wasm = await loadWitness(build, { witness: 'wasm' });
  const wtns = await wasm.calculate(encodeInput(build.manifest, batch[3]));
  const tmp = join('build', 'bench', 'cli-vs-lib');
  mkdirSync(tmp, { recursive: true });
  const wtnsFile = join(tmp, 'witness.wtns');
  writeFileSync(wtnsFile, wtns);
  const zkey = new Uint8Array(readFileSync(build.paths.zkey));
  const snarkjs = await loadSnarkjs();
  await snarkjs.groth16.prove({ type: 'mem', data: zkey }, { type: 'mem', data: wtns }); // warm: curve built
  const lib: number[] = [];
  for (let i = 0; i < 3; i++) lib.push((await time(() => snarkjs.groth16.prove({ type: 'mem', data: zkey }, { type: 'mem', data: wtns })))[1]);
  const cli = join(snarkjsPackageDir(), 'build', 'cli.cjs');
  log('snarkjs groth16 prove (CLI), one run');
  const t = performance.now();
  execFileSync(process.execPath, [cli, 'groth16', 'prove', build.paths.zkey, wtnsFile, join(tmp, 'proof.json'), join(tmp, 'public.json')], { stdio: 'ignore' });
  const cliS = (performance.now() - t) / 1000;
  out.libraryProveS = median(lib);
  out.cliProveS = cliS;
  out.cliOverLibrary = cliS / median(lib);
}

await shutdown();
out.cores = (await import('node:os')).availableParallelism();
console.log(JSON.stringify(out));
