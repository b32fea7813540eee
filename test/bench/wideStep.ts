/**
 * One stage of the wide-MLP scale bench (`npm run bench -- wide-mlp`), run in its own process
 * by wide.ts so each stage's peak memory is its own: compile | setup | prove | native.
 * Prints one JSON line with the stage's figures (peakRssMb: this process's ru_maxrss).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/compiler/compile.ts';
import { loadBuild } from '../../src/prover/artifacts.ts';
import { encodeInput } from '../../src/prover/encodeInput.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { setup } from '../../src/prover/setup.ts';
import { shutdown } from '../../src/prover/shutdown.ts';
import { verify } from '../../src/prover/verify.ts';
import { loadWitness } from '../../src/prover/witness.ts';
import { ensureNativeWitness } from '../../src/prover/witnessNative.ts';
import { ExternalAccumulators } from '../../src/prover/witnessInputs.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { median, time } from './measure.ts';

export const WIDE_FIXTURE = join('fixtures', 'models', 'wide-mlp');
export const WIDE_BUILD = join('build', 'bench', 'wide-mlp');

const stage = process.argv[2];
const out: Record<string, unknown> = { stage };
const rss = (): number => process.resourceUsage().maxRSS / 1024;

if (stage === 'compile') {
  if (!existsSync(join(WIDE_FIXTURE, 'model.onnx'))) throw new Error('run generate.ts first (wide.ts does)');
  const [c, s] = await time(() =>
    compile({ model: join(WIDE_FIXTURE, 'model.onnx'), outDir: WIDE_BUILD, calibration: join(WIDE_FIXTURE, 'samples.json'), force: true }),
  );
  const params = c.intGraph.nodes.reduce((a, n) => a + (n.op === 'linear' ? n.matrix.values.length + n.bias.length : 0), 0);
  Object.assign(out, {
    compileS: s,
    parameters: params,
    constraints: c.manifest.circuit.constraints,
    linearConstraints: c.manifest.circuit.linearConstraints,
    wires: c.manifest.circuit.wires,
    externalLayers: (c.manifest.circuit.externalLinear?.layers ?? []).map((l) => `${l.node} ${l.cols}→${l.rows}`),
    argmaxAgreement: c.manifest.quantization.accuracy?.argmaxAgreement,
  });
} else if (stage === 'setup') {
  rmSync(join(WIDE_BUILD, 'dev.ptau'), { force: true }); // measure the dev ptau too, not a reused one
  const [r, s] = await time(() => setup({ buildDir: WIDE_BUILD, dev: true }));
  Object.assign(out, { setupS: s, power: r.requiredPower, timingsS: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, v / 1000])) });
} else if (stage === 'prove') {
  const input = JSON.parse(readFileSync(join(WIDE_FIXTURE, 'input.json'), 'utf8')) as unknown;
  const samples = (JSON.parse(readFileSync(join(WIDE_FIXTURE, 'samples.json'), 'utf8')) as { inputs: unknown[] }).inputs;
  const [prover, loadS] = await time(() => Prover.load(WIDE_BUILD));
  const first = await prover.prove(input);
  const witness: number[] = [];
  const prove: number[] = [];
  let last = first;
  for (const x of samples.slice(0, 3)) {
    last = await prover.prove(x);
    witness.push(last.witnessMs / 1000);
    prove.push(last.proveMs / 1000);
  }
  await prover.close();
  const [v, verifyS] = await time(() => verify(WIDE_BUILD, last.proof, last.publicSignals));
  const build = await loadBuild(WIDE_BUILD);
  const intGraph = (await import('../../src/compiler/integer/serialize.ts')).deserializeIntGraph(readFileSync(build.paths.intModel, 'utf8'));
  const q = quantizeInput(build.manifest, samples[2]);
  const expected = interpretOutputs(intGraph, { [intGraph.inputs[0]]: q[0] })[0];
  Object.assign(out, {
    loadS,
    firstProofS: (first.witnessMs + first.proveMs) / 1000,
    witnessS: median(witness),
    proveS: median(prove),
    verifyS,
    valid: v.valid,
    outputsEqualInterpreter: JSON.stringify(last.outputs[0].values.map(String)) === JSON.stringify(expected.map(String)),
  });
  if (!v.valid || !out.outputsEqualInterpreter) throw new Error('wide-MLP proof did not verify or disagrees with the interpreter');
} else if (stage === 'native') {
  const build = await loadBuild(WIDE_BUILD, { artifacts: ['wasm'] });
  rmSync(join(WIDE_BUILD, 'model_cpp'), { recursive: true, force: true }); // measure the build, not a cached binary
  const [, buildS] = await time(() => ensureNativeWitness(WIDE_BUILD, build.manifest));
  const samples = (JSON.parse(readFileSync(join(WIDE_FIXTURE, 'samples.json'), 'utf8')) as { inputs: unknown[] }).inputs;
  const inputs = samples.slice(0, 3).map((x) => encodeInput(build.manifest, x));
  const per = async (kind: 'wasm' | 'native'): Promise<number> => {
    const w = await loadWitness(build, { witness: kind });
    const ts: number[] = [];
    for (const x of inputs) ts.push((await time(() => w.calculate(x)))[1]);
    return median(ts);
  };
  const acc = (await ExternalAccumulators.load(WIDE_BUILD, build.manifest))!;
  const accTimes: number[] = [];
  for (const x of inputs) accTimes.push((await time(async () => acc.signals(x as Record<string, unknown>)))[1]);
  out.accumulatorsS = median(accTimes); // the interpreter's share of either witness (external layers)
  const wasmS = await per('wasm');
  const nativeS = await per('native');
  const a = await (await loadWitness(build, { witness: 'wasm' })).calculate(inputs[0]);
  const b = await (await loadWitness(build, { witness: 'native' })).calculate(inputs[0]);
  Object.assign(out, { nativeBuildS: buildS, wasmWitnessS: wasmS, nativeWitnessS: nativeS, identical: Buffer.from(a).equals(Buffer.from(b)) });
} else {
  throw new Error(`unknown stage ${stage}`);
}
await shutdown();
out.peakRssMb = rss();
console.log(JSON.stringify(out));
