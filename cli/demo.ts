/**
 * `npm run demo [-- --model digits-cnn] [-- --rpc URL]`: the whole pipeline on a fixture model —
 * compile, dev setup, prove one input, verify off-chain, then deploy the verifier and a
 * registry and verify on chain (an embedded in-process chain unless --rpc is given; the key
 * for an external node comes from ZKINFER_PRIVATE_KEY).
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { compile } from '../src/compiler/compile.ts';
import { setup } from '../src/prover/setup.ts';
import { Prover } from '../src/prover/Prover.ts';
import { verify } from '../src/prover/verify.ts';
import { shutdown } from '../src/prover/shutdown.ts';
import { deployAndVerify } from '../src/chain/roundTrip.ts';
import { formatOutputs } from './format.ts';
import { reportError } from './output.ts';

const opts = new Command('demo')
  .option('--model <fixture>', 'fixture under fixtures/models/', 'digits-mlp')
  .option('--rpc <url>', 'an external Ethereum node instead of the in-process chain')
  .parse(process.argv)
  .opts<{ model: string; rpc?: string }>();

const step = (s: string): void => console.log(`\n▸ ${s}`);
const secs = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

try {
  const dir = join('fixtures', 'models', opts.model);
  const outDir = join('build', 'demo', opts.model);

  step(`compile ${dir}/model.onnx (calibrated on samples.json)`);
  let t = performance.now();
  const c = await compile({ model: join(dir, 'model.onnx'), outDir, calibration: join(dir, 'samples.json') });
  const acc = c.manifest.quantization.accuracy!;
  console.log(`  constraints: ${c.manifest.circuit.constraints}${c.cached ? ' (cached build)' : ''}, ${secs(t)}`);
  console.log(`  argmax agreement with the float model: ${(100 * (acc.argmaxAgreement ?? 0)).toFixed(2)} % of ${acc.samples} samples`);

  step('setup (INSECURE development powers of tau)');
  t = performance.now();
  const s = await setup({ buildDir: outDir, dev: true });
  console.log(`  zkey ${s.zkeySha256.slice(0, 16)}…, ${secs(t)}`);

  step(`prove ${dir}/input.json`);
  t = performance.now();
  const prover = await Prover.load(outDir);
  const input = JSON.parse(await readFile(join(dir, 'input.json'), 'utf8'));
  const r = await prover.prove(input);
  await prover.close();
  console.log(`  witness ${r.witnessMs.toFixed(0)} ms, proof ${r.proveMs.toFixed(0)} ms`);
  console.log(formatOutputs(r.outputs));

  step('verify off-chain (snarkjs)');
  const v = await verify(outDir, r.proof, r.publicSignals);
  if (!v.valid) throw new Error('the proof did not verify off-chain');
  console.log('  verified');

  step(`verify on-chain (${opts.rpc ?? 'in-process chain'})`);
  const chain = await deployAndVerify({
    buildDir: outDir, proof: r.proof, publicSignals: r.publicSignals,
    ...(opts.rpc ? { rpc: opts.rpc, privateKey: process.env.ZKINFER_PRIVATE_KEY } : {}),
  });
  if (!chain.verification.valid) throw new Error(`the registry rejected the proof: ${chain.verification.reason}`);
  console.log(`  registry ${chain.verification.address}: verified, outputs decoded on chain: ${chain.verification.outputs.join(', ')}`);
  if (chain.gas) console.log(`  gas: bare verifier ${chain.gas.verifier}, through the registry ${chain.gas.registry}`);
  let best = 0;
  r.outputs[0].real.forEach((x, i) => { if (x > r.outputs[0].real[best]) best = i; });
  console.log(`\npredicted class ${best}; ${c.manifest.circuit.constraints} constraints; verified off-chain and on-chain`);
} catch (e) {
  process.exitCode = reportError(e, {});
} finally {
  await shutdown();
}
