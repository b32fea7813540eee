/**
 * Issue acceptance 2: ONNX's own backend node tests for every op the compiler lowers, through the
 * compiler and the integer interpreter (nodeTests.ts); the per-op passed/skipped table is printed,
 * skipped tests are listed by name with the compiler's reason, and none may fail. A sample is
 * also compiled to a circuit, proved and verified end to end.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/compiler/compile.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { Prover } from '../../src/prover/Prover.ts';
import { setup } from '../../src/prover/setup.ts';
import { verify } from '../../src/prover/verify.ts';
import { NODE_TEST_DIR, WIDTHS, compileForTest, encodeFeeds, listNodeTests, prepare, report, runNodeTest, summarize, untestedOps, type NodeTestResult } from './nodeTests.ts';

/** Proved end to end: a float op, a pooling op, an approximated op, a QOperator op, an integer-input op. */
const PROVED = ['test_relu', 'test_maxpool_2d_precomputed_strides', 'test_sigmoid_example', 'test_qlinearmatmul_2D', 'test_dequantizelinear'];

const nested = (flat: Float64Array, shape: number[]): unknown => {
  if (shape.length === 0) return flat[0];
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nested(flat.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
};

describe('ONNX backend node tests (libonnx-testdata)', function () {
  this.timeout(180_000);
  const available = existsSync(NODE_TEST_DIR);
  let results: NodeTestResult[] = [];

  before(function () {
    if (!available) {
      console.log(`  ${NODE_TEST_DIR} is missing: install Debian's libonnx-testdata (.ci/run does) to run the conformance tests`);
      this.skip();
    }
    results = listNodeTests().map(runNodeTest);
    console.log(report(results).split('\n').map((l) => `    ${l}`).join('\n'));
    const missing = untestedOps(listNodeTests());
    if (missing.length) console.log(`    runtime ops without a single-node backend test: ${missing.join(', ')}`);
  });

  it('runs the single-node tests of every op the compiler lowers', () => {
    const ops = summarize(results).map((s) => s.op);
    for (const op of ['Conv', 'Gemm', 'MatMul', 'Relu', 'MaxPool', 'AveragePool', 'QuantizeLinear', 'DequantizeLinear', 'QLinearMatMul', 'QLinearConv', 'MatMulInteger', 'ConvInteger', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'Concat', 'Transpose', 'Squeeze', 'Unsqueeze', 'Mul', 'Div', 'Softmax']) {
      assert.ok(ops.includes(op), `${op} has backend tests in the run`);
    }
    assert.ok(results.length > 250, `${results.length} tests`);
  });

  it('passes every test it does not skip (float within the reported bound, integer exactly ±1)', () => {
    const failed = results.filter((r) => r.status === 'failed');
    assert.deepEqual(failed.map((r) => `${r.test.name}: ${r.reason}`), []);
    const passed = results.filter((r) => r.status === 'passed');
    assert.ok(passed.length >= 230, `${passed.length} passed`);
  });

  it('skips only with a reason from the compiler, and no quantized-op test is skipped but per-axis activations', () => {
    for (const r of results.filter((x) => x.status === 'skipped')) assert.ok(r.reason && r.reason.length > 10, r.test.name);
    const quantOps = ['DequantizeLinear', 'QLinearMatMul', 'QLinearConv', 'MatMulInteger', 'ConvInteger'];
    assert.deepEqual(results.filter((r) => quantOps.includes(r.test.op) && r.status !== 'passed').map((r) => r.test.name), []);
    const exact = results.filter((r) => r.mode === 'exact');
    assert.ok(exact.length >= 8, 'integer tests ran in exact mode');
    for (const r of exact) assert.ok((r.exactRate ?? 0) >= 0.99, `${r.test.name}: exact rate ${r.exactRate}`);
  });

  for (const name of PROVED) {
    it(`proves and verifies ${name} end to end (circuit = interpreter)`, async function () {
      if (!available) this.skip();
      const test = listNodeTests().find((t) => t.name === name)!;
      const p = prepare(test);
      assert.ok(typeof p !== 'string', `${name}: ${p}`);
      const c = compileForTest(p);
      const dir = join('build', 'test-conformance', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.onnx'), p.bytes);
      const input = Object.fromEntries(p.graph.inputs.map((n) => [n, nested(p.feeds[n], p.graph.nodes.find((x) => x.name === n)!.shape)]));
      const built = await compile({ model: join(dir, 'model.onnx'), outDir: join(dir, 'build'), calibration: { inputs: [input] }, ...WIDTHS });
      if (!built.manifest.setup) await setup({ buildDir: built.paths.dir, dev: true });
      const prover = await Prover.load(built.paths.dir);
      try {
        const r = await prover.prove(input);
        const want = interpretOutputs(c.intGraph, encodeFeeds(c, p.feeds));
        assert.deepEqual(r.outputs.map((o) => o.values), want, 'the circuit computes the interpreter\'s outputs');
        const v = await verify(built.paths.dir, r.proof, r.publicSignals);
        assert.equal(v.valid, true);
      } finally {
        await prover.close();
      }
    });
  }
});
