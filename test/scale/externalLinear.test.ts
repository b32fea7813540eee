/**
 * External linear layers (src/compiler/lower/externalLinear.ts), forced on the digits fixtures
 * with linearMode 'external': the appended r1cs rows are the only thing tying each accumulator
 * input to W·x + b, so
 *  - the honest witness satisfies every constraint, and the circuit's outputs equal the integer
 *    interpreter (proved and verified);
 *  - a forged accumulator (one row changed by 1, everything downstream recomputed by the
 *    witness calculator) satisfies all of circom's constraints but is rejected by the appended
 *    row — so soundness rests on the post-pass, and it holds.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { interpret, interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { readSymFile } from '../../src/compiler/circom/symFile.ts';
import { compile } from '../../src/compiler/compile.ts';
import { setup } from '../../src/prover/setup.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { verify } from '../../src/prover/verify.ts';
import { encodeInput, quantizeInput } from '../../src/prover/encodeInput.ts';
import { WitnessCalculator } from '../../src/prover/witness.ts';
import { ExternalAccumulators } from '../../src/prover/witnessInputs.ts';
import { readWtns } from '../../src/prover/witnessFile.ts';
import { checkWitness, readR1cs } from '../helpers/r1cs.ts';
import { FIXTURES, fixtureDir, readSamples } from '../helpers/fixtureBuild.ts';
import { externalBuild } from './externalBuild.ts';

for (const f of FIXTURES) {
  describe(`external linear layers: ${f}`, function () {
    this.timeout(600_000);
    const samples = readSamples(f);

    it('renders every linear layer external and appends one row per output', async () => {
      const b = await externalBuild(f);
      const layers = b.manifest.circuit.externalLinear?.layers ?? [];
      const linear = b.intGraph.nodes.filter((n) => n.op === 'linear');
      assert.equal(layers.length, linear.length);
      assert.ok(layers.length > 0);
      const source = await import('node:fs/promises').then((fs) => fs.readFile(b.paths.circom, 'utf8'));
      for (const l of layers) assert.match(source, new RegExp(`signal input ${l.signal}\\[${l.rows}\\];`));
      assert.ok(!/var w\d+\[/.test(source), 'no weight arrays are given to circom');
      // Every accumulator and input wire referenced by the appended rows exists in the r1cs.
      const r1cs = await readR1cs(b.paths.r1cs, { wireMap: true });
      const rows = layers.reduce((a, l) => a + l.rows, 0);
      const appended = r1cs.constraints.slice(r1cs.header.nConstraints - rows);
      const sym = await readSymFile(b.paths.sym);
      const labelOfWire = r1cs.wireToLabel!;
      for (const l of layers) {
        for (let r = 0; r < l.rows; r += Math.max(1, Math.floor(l.rows / 7))) {
          const e = sym.get(`main.${l.signal}[${r}]`)!;
          if (e.witnessIndex >= 0) assert.equal(labelOfWire[e.witnessIndex], e.labelId);
        }
      }
      for (const c of appended) {
        assert.deepEqual(c.b, { wires: [0], coeffs: [1n] });
        assert.equal(c.c.wires.length, 0);
        assert.ok(c.a.wires.every((w) => w < r1cs.header.nWires));
      }
    });

    it('outputs equal the integer interpreter, and the proofs verify', async () => {
      const b = await externalBuild(f);
      const prover = await Prover.load(b.paths.dir);
      try {
        for (const i of [0, 5]) {
          const r = await prover.prove(samples.inputs[i]);
          const q = quantizeInput(b.manifest, samples.inputs[i]);
          const expected = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
          assert.deepEqual(r.outputs[0].values, expected, `sample ${i}`);
          assert.equal((await verify(b.paths.dir, r.proof, r.publicSignals)).valid, true, `sample ${i} verifies`);
        }
      } finally {
        await prover.close();
      }
    });

    it('a forged accumulator (changed by 1, downstream recomputed) is rejected by the appended rows only', async () => {
      const b = await externalBuild(f);
      const layers = b.manifest.circuit.externalLinear!.layers;
      const r1cs = await readR1cs(b.paths.r1cs);
      const rows = layers.reduce((a, l) => a + l.rows, 0);
      const circomConstraints = r1cs.header.nConstraints - rows;
      const raw = await WitnessCalculator.load(b.paths.wasm, join(b.paths.dir, 'model_js', 'witness_calculator.js'));
      const acc = (await ExternalAccumulators.load(b.paths.dir, b.manifest))!;
      const input = encodeInput(b.manifest, samples.inputs[2]) as { in: bigint[] };
      const honest = acc.signals(input);
      const reference = interpret(b.intGraph, { [b.intGraph.inputs[0]]: input.in });
      for (const l of layers) assert.deepEqual(honest[l.signal], reference.get(l.node), `${l.signal}: the prover's accumulators are the interpreter's`);
      const ok = checkWitness(r1cs, readWtns(await raw.calculate({ ...input, ...honest } as never)).values);
      assert.deepEqual(ok.failing, [], 'the honest witness satisfies every constraint');

      let firstRow = circomConstraints;
      for (const l of layers) {
        for (const r of [0, l.rows - 1]) {
          const forged = { ...honest, [l.signal]: honest[l.signal].map((v, i) => (i === r ? v + 1n : v)) };
          const w = readWtns(await raw.calculate({ ...input, ...forged } as never)).values;
          const check = checkWitness(r1cs, w);
          assert.equal(check.ok, false, `${l.signal}[${r}] + 1 must be rejected`);
          assert.ok(check.failing.every((i) => i >= circomConstraints), `only appended rows fail for ${l.signal}[${r}] (circom's own constraints accept the forgery)`);
          assert.ok(check.failing.includes(firstRow + r), `row ${r} of ${l.node} fails`);
        }
        firstRow += l.rows;
      }
    });
  });
}

describe('external linear layers: public inputs', function () {
  this.timeout(600_000);
  it('accumulators are computed from the packed public input, and the proof verifies', async () => {
    const f = 'digits-mlp';
    const c = await compile({
      model: join(fixtureDir(f), 'model.onnx'),
      outDir: join('build', 'test', `${f}-external-public`),
      calibration: join(fixtureDir(f), 'samples.json'),
      linearMode: 'external',
      input: 'public',
    });
    if (!c.manifest.setup) await setup({ buildDir: c.paths.dir, dev: true });
    const samples = readSamples(f);
    const prover = await Prover.load(c.paths.dir);
    try {
      const r = await prover.prove(samples.inputs[8]);
      const q = quantizeInput(c.manifest, samples.inputs[8]);
      assert.deepEqual(r.outputs[0].values, interpretOutputs(c.intGraph, { [c.intGraph.inputs[0]]: q[0] })[0]);
      assert.deepEqual(r.inputs[0].values, q[0]);
      assert.equal((await verify(c.paths.dir, r.proof, r.publicSignals)).valid, true);
    } finally {
      await prover.close();
    }
  });
});

describe('external linear layers: auto mode', function () {
  this.timeout(600_000);
  it('keeps small layers in circom (the digits fixtures have no external layer)', async () => {
    const { externalLinearNodes, EXTERNAL_LINEAR_THRESHOLD, CIRCOM_WEIGHTS_BUDGET } = await import('../../src/compiler/lower/externalLinear.ts');
    const b = await externalBuild('digits-mlp');
    assert.deepEqual(externalLinearNodes(b.intGraph, 'auto'), []);
    assert.deepEqual(externalLinearNodes(b.intGraph, 'circom'), []);
    assert.equal(externalLinearNodes(b.intGraph, 'external').length, 2);
    const big = structuredClone(b.intGraph);
    const lin = big.nodes.find((n) => n.op === 'linear')!;
    if (lin.op !== 'linear') throw new Error('unreachable');
    lin.matrix.values = new Array(EXTERNAL_LINEAR_THRESHOLD).fill(1n);
    assert.deepEqual(externalLinearNodes(big, 'auto').map((l) => l.node), [lin.name]);
    // Two medium layers, each below the threshold, together over the budget: the larger goes external.
    const [l0, l1] = big.nodes.filter((n) => n.op === 'linear') as Array<Extract<typeof lin, { op: 'linear' }>>;
    l0.matrix.values = new Array(CIRCOM_WEIGHTS_BUDGET / 2 - 100).fill(1n);
    l1.matrix.values = new Array(CIRCOM_WEIGHTS_BUDGET / 2 + 200).fill(1n);
    assert.deepEqual(externalLinearNodes(big, 'auto').map((l) => l.node), [l1.name]);
    l1.matrix.values = new Array(CIRCOM_WEIGHTS_BUDGET / 2 - 1).fill(1n);
    assert.deepEqual(externalLinearNodes(big, 'auto'), []);
    assert.throws(() => externalLinearNodes(big, 'fast' as never), /unknown linear mode/);
  });
});
