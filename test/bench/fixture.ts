/**
 * Benchmarks one fixture in its own process (so peak RSS is this fixture's): compile (forced),
 * dev setup, witness and warm proof (median of 5), verify, accuracy over samples.json and
 * on-chain verification gas. Prints one JSON line.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { compile, argmax } from '../../src/compiler/compile.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { setup } from '../../src/prover/setup.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { verify } from '../../src/prover/verify.ts';
import { shutdown } from '../../src/prover/shutdown.ts';
import { deployAndVerify } from '../../src/chain/roundTrip.ts';

const fixture = process.argv[2];
const dir = join('fixtures', 'models', fixture);
const out = join('build', 'bench', fixture);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
};

const [c, compileS] = await time(() => compile({ model: join(dir, 'model.onnx'), outDir: out, calibration: join(dir, 'samples.json'), force: true }));
const [, setupS] = await time(() => setup({ buildDir: out, dev: true }));
const samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as { inputs: unknown[]; labels: number[]; logits: number[][] };

let agree = 0;
let correct = 0;
let floatCorrect = 0;
// Quantized models (issue 4): output values equal to onnxruntime-node's, in output steps.
let exactValues = 0;
let totalValues = 0;
const quantized = c.manifest.inputs.some((e) => e.step !== undefined);
const o = c.manifest.outputs[0];
samples.inputs.forEach((x, i) => {
  const q = quantizeInput(c.manifest, x);
  const raw = interpretOutputs(c.intGraph, { [c.intGraph.inputs[0]]: q[0] })[0];
  samples.logits[i].forEach((l, j) => {
    totalValues++;
    if (BigInt(Math.round(l * 2 ** o.scale)) + BigInt(o.zeroPoint) === raw[j]) exactValues++;
  });
  const y = raw.map((v) => Number(v - BigInt(o.zeroPoint)));
  if (argmax(y) === argmax(samples.logits[i])) agree++;
  if (argmax(y) === samples.labels[i]) correct++;
  if (argmax(samples.logits[i]) === samples.labels[i]) floatCorrect++;
});

const prover = await Prover.load(out);
await prover.prove(samples.inputs[0]); // warm-up
const witness: number[] = [];
const prove: number[] = [];
let last;
for (let i = 1; i <= 5; i++) {
  last = await prover.prove(samples.inputs[i]);
  witness.push(last.witnessMs / 1000);
  prove.push(last.proveMs / 1000);
}
await prover.close();
const [v, verifyS] = await time(() => verify(out, last!.proof, last!.publicSignals));
if (!v.valid) throw new Error('bench proof did not verify');
const chain = await deployAndVerify({ buildDir: out, proof: last!.proof, publicSignals: last!.publicSignals });
await shutdown();

console.log(JSON.stringify({
  fixture,
  constraints: c.manifest.circuit.constraints,
  publicSignals: c.manifest.publicSignals.total,
  compileS, setupS, witnessS: median(witness), proveS: median(prove), verifyS,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  samples: samples.inputs.length,
  agreement: agree / samples.inputs.length,
  accuracy: correct / samples.inputs.length,
  floatAccuracy: floatCorrect / samples.inputs.length,
  exactRate: quantized ? exactValues / totalValues : null,
  gasVerifier: Number(chain.gas?.verifier ?? 0),
  gasRegistry: Number(chain.gas?.registry ?? 0),
}));
