/**
 * inspectOnnx and the model-level checks of the import: input shapes (dynamic batch → 1,
 * other dynamic dimensions refused), input types, opset range, initializers listed as
 * inputs, constant outputs. Models are built with onnx.helper (Python) into build/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ShapeError, UnsupportedError } from '../../../src/errors.ts';
import { importOnnx } from '../../../src/compiler/graph/importOnnx.ts';
import { inspectOnnx } from '../../../src/compiler/graph/inspectOnnx.ts';
import { runGraph } from '../../../src/compiler/graph/runGraph.ts';

const OUT = 'build/test-graph/inspect';

const PYTHON = String.raw`
import os, sys
import numpy as np
import onnx
from onnx import helper as h, numpy_helper as nh, TensorProto as TP
out = sys.argv[1]
def save(name, shape, elem=TP.FLOAT, opset=13, nodes=None, inits=(), extra_inputs=(), outputs=None, ir=7):
    x = h.make_tensor_value_info('x', elem, shape)
    nodes = nodes or [h.make_node('Relu', ['x'], ['y'], name='relu')]
    outs = outputs or [h.make_tensor_value_info('y', TP.FLOAT, None)]
    g = h.make_graph(nodes, name, [x] + list(extra_inputs), outs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid('', opset)], producer_name='zkinfer-test', producer_version='1.2')
    m.ir_version = ir
    onnx.save(m, os.path.join(out, name + '.onnx'))
save('batch-param', ['N', 3])
save('batch-zero', [0, 3])
save('batch-minus-one', [-1, 3])
save('batch-unset', [None, 3])
save('dyn-second-param', ['N', 'W'])
save('dyn-third-unset', [1, 2, None])
x_noshape = h.make_tensor_value_info('x', TP.FLOAT, None)
g = h.make_graph([h.make_node('Relu', ['x'], ['y'])], 'no-shape', [x_noshape], [h.make_tensor_value_info('y', TP.FLOAT, None)])
onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), os.path.join(out, 'no-shape.onnx'))
save('int-input', [1, 3], elem=TP.INT64, nodes=[h.make_node('Cast', ['x'], ['y'], to=TP.FLOAT, name='cast')])
save('opset-6', [1, 3], opset=6)
w = nh.from_array(np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32), 'W')
save('init-as-input', [1, 3], nodes=[h.make_node('MatMul', ['x', 'W'], ['y'])], inits=[w],
     extra_inputs=[h.make_tensor_value_info('W', TP.FLOAT, [3, 2])], ir=3)
c = nh.from_array(np.array([1, 2], dtype=np.float32), 'c')
save('const-output', [1, 3], nodes=[h.make_node('Relu', ['x'], ['y']), h.make_node('Identity', ['c'], ['z'])], inits=[c],
     outputs=[h.make_tensor_value_info('y', TP.FLOAT, None), h.make_tensor_value_info('z', TP.FLOAT, None)])
save('unnamed-nodes', [1, 3], nodes=[h.make_node('Relu', ['x'], ['r']), h.make_node('Sin', ['r'], ['y'])])
`;

describe('inspectOnnx and model-level checks', function () {
  before(function () {
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, OUT], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('reports a supported model: producer, opset, inputs/outputs with shapes, node statuses, graph', function () {
    const r = inspectOnnx('test/fixtures/onnx/mlp-opset10/model.onnx');
    assert.equal(r.supported, true);
    assert.equal(r.opset, 10);
    assert.equal(r.irVersion, 5);
    assert.equal(r.producer.name, 'pytorch');
    assert.deepEqual(r.inputs.map((i) => [i.name, i.dtype, i.shape]), [['x', 'float32', [1, 1, 4, 4]]]);
    assert.deepEqual(r.outputs.map((o) => [o.name, o.shape]), [['y', [1, 3]]]);
    assert.deepEqual(r.nodes.map((n) => [n.opType, n.status]), [['Flatten', 'lowered'], ['Gemm', 'lowered'], ['Relu', 'lowered'], ['Gemm', 'lowered']]);
    assert.deepEqual(r.nodes[0].outputShapes, [[1, 16]]);
    assert.deepEqual(r.unsupported, []);
    assert.equal(r.message, undefined);
    assert.ok(r.graph && r.graph.outputs[0] === 'y');
  });

  for (const name of ['batch-param', 'batch-zero', 'batch-minus-one', 'batch-unset']) {
    it(`fixes a dynamic batch dimension to 1 (${name})`, function () {
      const g = importOnnx(`${OUT}/${name}.onnx`);
      assert.deepEqual(g.nodes[0].shape, [1, 3]);
      assert.deepEqual(Array.from(runGraph(g, { x: Float64Array.from([-1, 0, 2]) }).y), [0, 0, 2]);
    });
  }

  it('refuses any other dynamic dimension with a ShapeError naming the input and dimension', function () {
    const cases: [string, RegExp][] = [
      ['dyn-second-param', /input 'x' has a dynamic dimension 1 \('W'\) in shape \[N, W\]/],
      ['dyn-third-unset', /input 'x' has a dynamic dimension 2 \(\?\) in shape \[1, 2, \?\]/],
      ['no-shape', /input 'x' has no shape/],
    ];
    for (const [name, message] of cases) {
      for (const f of [importOnnx, inspectOnnx]) {
        assert.throws(() => f(`${OUT}/${name}.onnx`), (e: unknown) => e instanceof ShapeError && message.test(e.message) && /fixed input shape/.test(e.fix ?? ''));
      }
    }
  });

  it('refuses non-float inputs and out-of-range opsets as model-level issues', function () {
    for (const [name, message] of [
      ['int-input', /input 'x' has type int64; only float and 8-, 16- and 32-bit integer tensor inputs are supported/],
      ['opset-6', /opset 6; the compiler supports opsets 7–18/],
    ] as const) {
      const r = inspectOnnx(`${OUT}/${name}.onnx`);
      assert.equal(r.supported, false);
      assert.match(r.issues.join('\n'), message);
      assert.throws(() => importOnnx(`${OUT}/${name}.onnx`), (e: unknown) => {
        assert.ok(e instanceof UnsupportedError);
        assert.equal(e.message, r.message);
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('treats initializers listed as graph inputs (IR 3) as constants', function () {
    const g = importOnnx(`${OUT}/init-as-input.onnx`);
    assert.deepEqual(g.inputs, ['x']);
    assert.deepEqual(Array.from(runGraph(g, { x: Float64Array.from([1, 1, 1]) }).y), [9, 12]);
  });

  it('refuses an output that is a constant', function () {
    const r = inspectOnnx(`${OUT}/const-output.onnx`);
    assert.equal(r.supported, false);
    assert.match(r.issues[0], /output 'z' is a constant/);
  });

  it('names unnamed nodes after their first output', function () {
    const r = inspectOnnx(`${OUT}/unnamed-nodes.onnx`);
    assert.deepEqual(r.unsupported.map((u) => [u.opType, u.node]), [['Sin', 'y']]);
    assert.match(r.message!, /op 'Sin' \(node 'y'\)/);
    assert.deepEqual(r.nodes.map((n) => n.name), ['r', 'y']);
  });
});
