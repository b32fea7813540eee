/**
 * The committed ONNX fixtures (test/fixtures/onnx/<case>/ and fixtures/models/digits-*):
 * every model with an input is imported, run by the float interpreter and compared with
 * expected.json / samples.json (onnxruntime's outputs) and with onnxruntime-node run here,
 * within 1e-4 relative to the output's largest magnitude — both before and after the graph
 * passes. The error cases must fail with the right error class and a message that names
 * the problem.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { OnnxParseError, ShapeError, UnsupportedError } from '../../../src/errors.ts';
import { importOnnx } from '../../../src/compiler/graph/importOnnx.ts';
import { inspectOnnx } from '../../../src/compiler/graph/inspectOnnx.ts';
import type { Graph } from '../../../src/compiler/graph/ir.ts';
import { runGraph } from '../../../src/compiler/graph/runGraph.ts';

const EDGE = 'test/fixtures/onnx';
const MODELS = 'fixtures/models';
/** Cases that must exist (more may be added; they are picked up too). */
const EDGE_CASES = [
  'mlp-opset10', 'mlp-opset11', 'mlp-opset17', 'shape-subgraph', 'batchnorm-standalone', 'conv-bn-relu',
  'avgpool-pad', 'avgpool-nopad', 'conv-strided-dilated', 'conv-grouped', 'maxpool-padded', 'residual-add',
  'unsupported-op', 'not-onnx', 'truncated', 'dynamic-spatial',
];
const ERROR_CASES = new Set(['unsupported-op', 'not-onnx', 'truncated', 'dynamic-spatial']);
const DIGITS = ['digits-mlp', 'digits-cnn'];
const TOLERANCE = 1e-4;

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'output length');
  let scale = 1e-6;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]) / scale);
  return err;
}

const shapeOf = (g: Graph, name: string): number[] => g.nodes.find((n) => n.name === name)!.shape;
const linearKinds = (g: Graph): string[] => g.nodes.flatMap((n) => (n.op === 'linear' ? [n.kind] : []));

async function onnxruntime(path: string, g: Graph, x: number[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
  const input = g.inputs[0];
  const out = await session.run({ [input]: new ort.Tensor('float32', Float32Array.from(x), shapeOf(g, input)) });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

describe('committed ONNX fixtures', function () {
  it('has every edge case and both digits models', function () {
    for (const c of EDGE_CASES) assert.ok(existsSync(join(EDGE, c, 'model.onnx')), `missing ${EDGE}/${c}/model.onnx`);
    for (const c of EDGE_CASES.filter((k) => !ERROR_CASES.has(k))) {
      assert.ok(existsSync(join(EDGE, c, 'input.json')) && existsSync(join(EDGE, c, 'expected.json')), `missing input/expected for ${c}`);
    }
    for (const m of DIGITS) {
      for (const f of ['model.onnx', 'input.json', 'samples.json']) assert.ok(existsSync(join(MODELS, m, f)), `missing ${MODELS}/${m}/${f}`);
    }
  });

  describe('edge cases match expected.json and onnxruntime', function () {
    const found = existsSync(EDGE) ? readdirSync(EDGE).filter((d) => existsSync(join(EDGE, d, 'expected.json'))) : [];
    const cases = [...new Set([...EDGE_CASES.filter((k) => !ERROR_CASES.has(k)), ...found.filter((d) => d !== 'unsupported-op')])];
    for (const c of cases) {
      it(c, async function () {
        const path = join(EDGE, c, 'model.onnx');
        const x = flat(readJson(join(EDGE, c, 'input.json')));
        const expected = (readJson(join(EDGE, c, 'expected.json')) as { outputs: Record<string, unknown> }).outputs;
        for (const optimize of [false, true]) {
          const g = importOnnx(path, { optimize });
          const got = runGraph(g, { [g.inputs[0]]: Float64Array.from(x) });
          const live = await onnxruntime(path, g, x);
          assert.deepEqual(Object.keys(expected).sort(), [...g.outputs].sort());
          for (const [name, want] of Object.entries(expected)) {
            const w = flat(want);
            const e1 = relError(got[name], w);
            const e2 = relError(got[name], live[name]);
            assert.ok(e1 <= TOLERANCE && e2 <= TOLERANCE, `${c} (optimize=${optimize}) output ${name}: ${e1} vs expected.json, ${e2} vs onnxruntime`);
          }
        }
      });
    }
  });

  describe('digits models match samples.json (all samples) and onnxruntime', function () {
    for (const m of DIGITS) {
      it(m, async function () {
        const path = join(MODELS, m, 'model.onnx');
        const g = importOnnx(path);
        assert.deepEqual(shapeOf(g, g.inputs[0]), m === 'digits-mlp' ? [1, 64] : [1, 1, 8, 8]);
        assert.deepEqual(shapeOf(g, g.outputs[0]), [1, 10]);
        const samples = readJson(join(MODELS, m, 'samples.json')) as { inputName: string; inputs: unknown[]; logits: number[][] };
        assert.equal(samples.inputName, g.inputs[0]);
        assert.ok(samples.inputs.length >= 100);
        let worst = 0;
        samples.inputs.forEach((s, i) => {
          const out = runGraph(g, { [g.inputs[0]]: Float64Array.from(flat(s)) })[g.outputs[0]];
          worst = Math.max(worst, relError(out, samples.logits[i]));
        });
        assert.ok(worst <= TOLERANCE, `${m}: worst relative error ${worst} over ${samples.inputs.length} samples`);
        const x = flat(readJson(join(MODELS, m, 'input.json')));
        const live = await onnxruntime(path, g, x);
        const got = runGraph(g, { [g.inputs[0]]: Float64Array.from(x) });
        assert.ok(relError(got[g.outputs[0]], live[g.outputs[0]]) <= TOLERANCE);
      });
    }
  });

  describe('structure after import and passes', function () {
    it('folds BatchNormalization into the Conv before it (conv-bn-relu)', function () {
      const raw = importOnnx(join(EDGE, 'conv-bn-relu/model.onnx'), { optimize: false });
      const opt = importOnnx(join(EDGE, 'conv-bn-relu/model.onnx'));
      assert.deepEqual(linearKinds(raw), ['Conv', 'BatchNormalization', 'Gemm']);
      assert.deepEqual(linearKinds(opt), ['Conv+BatchNormalization', 'Gemm']);
      assert.ok(linearKinds(opt).length < linearKinds(raw).length);
    });

    it('keeps a standalone BatchNormalization as a diagonal linear node (batchnorm-standalone)', function () {
      const g = importOnnx(join(EDGE, 'batchnorm-standalone/model.onnx'));
      assert.deepEqual(linearKinds(g), ['BatchNormalization', 'Gemm']);
      const bn = g.nodes.find((n) => n.op === 'linear' && n.kind === 'BatchNormalization');
      assert.ok(bn && bn.op === 'linear');
      for (let r = 0; r < bn.matrix.rows; r++) {
        assert.equal(bn.matrix.rowPtr[r + 1] - bn.matrix.rowPtr[r], 1);
        assert.equal(bn.matrix.colIdx[bn.matrix.rowPtr[r]], r);
      }
    });

    it('evaluates the Shape → Gather → Unsqueeze → Concat → Reshape chain at compile time (shape-subgraph)', function () {
      const g = importOnnx(join(EDGE, 'shape-subgraph/model.onnx'), { optimize: false });
      assert.deepEqual(g.nodes.map((n) => n.op), ['input', 'linear', 'relu', 'linear']);
      assert.deepEqual(shapeOf(g, g.inputs[0]), [1, 1, 6, 6]);
      const status = (op: string): string[] => g.onnxNodes.filter((n) => n.opType === op).map((n) => n.status);
      for (const op of ['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Constant']) {
        assert.ok(status(op).length > 0 && status(op).every((s) => s === 'folded'), `${op}: ${status(op)}`);
      }
      assert.deepEqual(status('Reshape'), ['lowered']);
      const concat = g.onnxNodes.find((n) => n.opType === 'Concat')!;
      assert.equal(concat.outputShapes[0]!.length, 1);
    });

    it('folds the Pad before an AveragePool into its windows, keeping the divisor (avgpool-pad)', function () {
      const g = importOnnx(join(EDGE, 'avgpool-pad/model.onnx'));
      assert.deepEqual(g.nodes.map((n) => n.op), ['input', 'linear', 'relu', 'mean', 'linear']);
      const mean = g.nodes.find((n) => n.op === 'mean');
      assert.ok(mean && mean.op === 'mean');
      assert.ok(mean.divisor.every((d) => d === 9));
      assert.ok(mean.windows.some((w) => w.length < 9));
    });

    it('represents the residual Add of two activations as one linear node with two inputs (residual-add)', function () {
      const g = importOnnx(join(EDGE, 'residual-add/model.onnx'));
      const add = g.nodes.find((n) => n.op === 'linear' && n.inputs.length === 2);
      assert.ok(add && add.op === 'linear', 'a two-input linear node');
      assert.equal(add.kind, 'Add+Sub');
      assert.equal(add.matrix.cols, 2 * add.matrix.rows);
    });

    it('uses the ONNX names for inputs and outputs (maxpool-padded)', function () {
      const g = importOnnx(join(EDGE, 'maxpool-padded/model.onnx'));
      assert.deepEqual(g.inputs, ['onnx::MaxPool_0']);
      assert.deepEqual(g.outputs, ['5']);
    });

    it('fixes a dynamic batch dimension to 1 (digits models)', function () {
      for (const m of DIGITS) {
        const r = inspectOnnx(join(MODELS, m, 'model.onnx'));
        assert.equal(r.inputs[0].declared![0], 'batch');
        assert.equal(r.inputs[0].shape![0], 1);
        assert.equal(r.supported, true);
        assert.equal(r.opset, 13);
      }
    });
  });

  describe('error cases', function () {
    it('not-onnx: OnnxParseError saying it is not an ONNX model', function () {
      assert.throws(() => importOnnx(join(EDGE, 'not-onnx/model.onnx')), (e: unknown) => {
        assert.ok(e instanceof OnnxParseError);
        assert.equal(e.code, 'ONNX_NOT_ONNX');
        assert.match(e.message, /not-onnx\/model\.onnx' is not an ONNX model/);
        assert.ok(e.fix);
        return true;
      });
      assert.throws(() => inspectOnnx(join(EDGE, 'not-onnx/model.onnx')), OnnxParseError);
    });

    it('truncated: OnnxParseError saying the file is truncated', function () {
      assert.throws(() => importOnnx(join(EDGE, 'truncated/model.onnx')), (e: unknown) => {
        assert.ok(e instanceof OnnxParseError);
        assert.equal(e.code, 'ONNX_TRUNCATED');
        assert.match(e.message, /truncated/);
        return true;
      });
      assert.throws(() => inspectOnnx(join(EDGE, 'truncated/model.onnx')), OnnxParseError);
    });

    it("unsupported-op: one UnsupportedError naming op 'Cos' and node 'cos_1', same text as inspect", function () {
      const path = join(EDGE, 'unsupported-op/model.onnx');
      const report = inspectOnnx(path);
      assert.equal(report.supported, false);
      assert.deepEqual(report.unsupported.map((u) => [u.opType, u.node]), [['Cos', 'cos_1']]);
      assert.deepEqual(report.nodes.map((n) => n.status), ['lowered', 'unsupported']);
      assert.throws(() => importOnnx(path), (e: unknown) => {
        assert.ok(e instanceof UnsupportedError);
        assert.equal(e.code, 'ONNX_UNSUPPORTED_OP');
        assert.match(e.message, /op 'Cos' \(node 'cos_1'\)/);
        assert.match(e.message, /supported ops: .*Conv.*Gemm/);
        assert.equal(e.message, report.message);
        assert.equal(e.fix, report.fix);
        return true;
      });
    });

    it('dynamic-spatial: ShapeError naming the input and the dynamic dimension, with the fix', function () {
      for (const f of [importOnnx, inspectOnnx]) {
        assert.throws(() => f(join(EDGE, 'dynamic-spatial/model.onnx')), (e: unknown) => {
          assert.ok(e instanceof ShapeError);
          assert.equal(e.code, 'ONNX_DYNAMIC_SHAPE');
          assert.match(e.message, /input 'x' has a dynamic dimension 2 \('height'\)/);
          assert.match(e.fix!, /fixed input shape/);
          return true;
        });
      }
    });
  });
});
