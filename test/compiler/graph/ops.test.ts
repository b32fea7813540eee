/**
 * Op-level conformance: small models built with onnx.helper (Python, /usr/bin/python3) into
 * build/test-graph/ops/, imported and run by the float interpreter, compared with
 * onnxruntime-node within 1e-4 relative (to the output's largest magnitude). Covers the
 * attribute defaults and opset changes (Clip 11, Squeeze/Unsqueeze/Split 13, Pad 11/18,
 * Slice 10, Shape 15...), broadcasting, convolution/pooling geometry and constant folding.
 * Cases marked unsupported must be reported with the node names listed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { UnsupportedError } from '../../../src/errors.ts';
import { importOnnx } from '../../../src/compiler/graph/importOnnx.ts';
import { inspectOnnx } from '../../../src/compiler/graph/inspectOnnx.ts';
import { size } from '../../../src/compiler/graph/ir.ts';
import { OPS } from '../../../src/compiler/graph/ops/index.ts';
import { runGraph } from '../../../src/compiler/graph/runGraph.ts';

const OUT = 'build/test-graph/ops';

interface Case {
  name: string;
  opset: number;
  inputs: { name: string; shape: number[] }[];
  feeds: Record<string, number[]>;
  expect: { unsupported?: string[]; skipOrt?: boolean };
}

/** Softmax over the last axis (rows of `n`). */
function softmaxRows(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length; r += n) {
    const row = x.subarray(r, r + n);
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    row.forEach((v, i) => (out[r + i] = Math.exp(v - m) / s));
  }
  return out;
}

/** Max |got − want| relative to max |want|. */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'output length');
  let scale = 1e-6;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]) / scale);
  return err;
}

const PYTHON = String.raw`
import json, os, sys
import numpy as np
import onnx
from onnx import helper as h, numpy_helper as nh, TensorProto as TP

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
rng = np.random.default_rng(7)
F = TP.FLOAT
manifest = []

def W(name, *shape, scale=0.5):
    return nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

def I64(name, vals):
    return nh.from_array(np.array(vals, dtype=np.int64), name)

def F32(name, vals):
    return nh.from_array(np.array(vals, dtype=np.float32), name)

def case(name, nodes, inputs, outputs, inits=(), opset=13, expect=None, value_info=(), domains=()):
    g = h.make_graph(nodes, name,
                     [h.make_tensor_value_info(n, F, s) for n, s in inputs],
                     [h.make_tensor_value_info(n, F, s) for n, s in outputs],
                     list(inits), value_info=list(value_info))
    m = h.make_model(g, opset_imports=[h.make_opsetid('', opset)] + [h.make_opsetid(d, 1) for d in domains], producer_name='zkinfer-test')
    m.ir_version = 7 if opset < 15 else 8
    if not domains: onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out_dir, name + '.onnx'))
    feeds = {}
    for n, s in inputs:
        shp = [1 if isinstance(d, str) else d for d in s]
        feeds[n] = (np.round(rng.standard_normal(shp) * 256) / 256).astype(np.float32).ravel().tolist()
    manifest.append({'name': name, 'opset': opset, 'inputs': [{'name': n, 'shape': [1 if isinstance(d, str) else d for d in s]} for n, s in inputs], 'feeds': feeds, 'expect': expect or {}})

N = h.make_node
# --- Gemm / MatMul
case('gemm-trans', [N('Gemm', ['x', 'B', 'C'], ['y'], alpha=0.5, beta=2.0, transA=1, transB=1)],
     [('x', [4, 3])], [('y', [3, 5])], [W('B', 5, 4), W('C', 5)])
case('gemm-scalar-c', [N('Gemm', ['x', 'B', 'C'], ['y'])], [('x', ['N', 4])], [('y', ['N', 2])], [W('B', 4, 2), F32('C', 0.25)])
case('gemm-no-c', [N('Gemm', ['x', 'B'], ['y'], transB=1)], [('x', [1, 4])], [('y', [1, 2])], [W('B', 2, 4)])
case('matmul-const-left', [N('MatMul', ['A', 'x'], ['y'])], [('x', [1, 4, 2])], [('y', [1, 3, 2])], [W('A', 3, 4)])
case('matmul-1d', [N('MatMul', ['x', 'w'], ['y'])], [('x', [1, 4])], [('y', [1])], [W('w', 4)])
case('matmul-batched', [N('MatMul', ['x', 'w'], ['y'])], [('x', [1, 2, 3, 4])], [('y', [1, 2, 3, 5])], [W('w', 2, 4, 5)])
# --- elementwise
case('arith-broadcast', [
    N('Add', ['a', 'b'], ['s']), N('Sub', ['k', 's'], ['d']), N('Mul', ['d', 'm'], ['p']),
    N('Div', ['p', 'q'], ['r']), N('Neg', ['r'], ['y'])],
    [('a', [1, 3, 4]), ('b', [1, 1, 4])], [('y', [1, 3, 4])], [W('k', 4), W('m', 3, 1), F32('q', [4.0])])
case('add-same', [N('Add', ['x', 'x'], ['t']), N('Sum', ['t', 'x', 'c'], ['u']), N('Mean', ['u', 'x'], ['y'])],
     [('x', [1, 6])], [('y', [1, 6])], [W('c', 6)])
case('max-two', [N('Max', ['a', 'b'], ['y'])], [('a', [1, 2, 3]), ('b', [1, 2, 3])], [('y', [1, 2, 3])])
case('max-zero', [N('Max', ['a', 'z'], ['y'])], [('a', [1, 5])], [('y', [1, 5])], [F32('z', [0.0])])
# --- activations
case('clip-relu-opset10', [N('Clip', ['x'], ['y'], min=0.0)], [('x', [1, 6])], [('y', [1, 6])], opset=10)
case('clip-relu-opset13', [N('Clip', ['x', 'lo', ''], ['y'])], [('x', [1, 6])], [('y', [1, 6])], [F32('lo', 0.0)])
case('clip-none', [N('Clip', ['x'], ['y'])], [('x', [1, 6])], [('y', [1, 6])])
case('clip-relu6', [N('Clip', ['x', 'lo', 'hi'], ['y'], name='relu6')], [('x', [1, 6])], [('y', [1, 6])], [F32('lo', 0.0), F32('hi', 6.0)])
case('clip-upper-only', [N('Clip', ['x', '', 'hi'], ['y'])], [('x', [1, 6])], [('y', [1, 6])], [F32('hi', 0.25)])
case('leakyrelu', [N('LeakyRelu', ['x'], ['y'], alpha=0.1)], [('x', [1, 6])], [('y', [1, 6])])
case('sigmoid-tanh', [N('Sigmoid', ['x'], ['s']), N('Tanh', ['s'], ['y'])], [('x', [1, 6])], [('y', [1, 6])])
case('softmax-last', [N('Gemm', ['x', 'B'], ['l']), N('Softmax', ['l'], ['y'])], [('x', [1, 4])], [('y', [1, 3])], [W('B', 4, 3)])
case('softmax-inside', [N('Softmax', ['x'], ['s'], name='sm'), N('Relu', ['s'], ['y'])], [('x', [1, 4])], [('y', [1, 4])], expect={'unsupported': ['sm']})
case('dropout-opset10', [N('Dropout', ['x'], ['y', 'mask'], ratio=0.3)], [('x', [1, 6])], [('y', [1, 6])], opset=10)
case('dropout-opset13', [N('Dropout', ['x', 'r'], ['y'])], [('x', [1, 6])], [('y', [1, 6])], [F32('r', 0.5)])
# --- shape ops
case('transpose', [N('Transpose', ['x'], ['t'], perm=[0, 2, 3, 1]), N('Transpose', ['t'], ['y'])], [('x', [1, 2, 3, 4])], [('y', [2, 4, 3, 1])])
case('concat-mixed', [N('Concat', ['a', 'k', 'b'], ['y'], axis=-1)], [('a', [1, 2, 3]), ('b', [1, 2, 1])], [('y', [1, 2, 6])], [W('k', 1, 2, 2)])
case('slice-steps', [N('Slice', ['x', 's', 'e', 'ax', 'st'], ['y'])], [('x', [1, 5, 6])], [('y', [1, 2, 3])],
     [I64('s', [4, 0]), I64('e', [0, 9223372036854775807]), I64('ax', [1, -1]), I64('st', [-2, 2])])
case('slice-opset9', [N('Slice', ['x'], ['y'], starts=[1], ends=[-1], axes=[1])], [('x', [1, 5])], [('y', [1, 3])], opset=9)
case('gather-axis1', [N('Gather', ['x', 'i'], ['y'], axis=1)], [('x', [1, 5, 2])], [('y', [1, 2, 2, 2])], [I64('i', [[0, -1], [2, 2]])])
case('split-opset13', [N('Split', ['x', 'sp'], ['a', 'b'], axis=1), N('Sub', ['a', 'b'], ['y'])], [('x', [1, 6])], [('y', [1, 3])], [I64('sp', [3, 3])])
case('split-opset11', [N('Split', ['x'], ['a', 'b', 'c'], axis=1, split=[1, 2, 3]), N('Concat', ['c', 'a', 'b'], ['y'], axis=1)], [('x', [1, 6])], [('y', [1, 6])], opset=11)
case('squeeze-unsqueeze-opset11', [N('Unsqueeze', ['x'], ['u'], axes=[0, 3]), N('Squeeze', ['u'], ['y'], axes=[0])], [('x', [1, 4])], [('y', [1, 4, 1])], opset=11)
case('squeeze-unsqueeze-opset13', [N('Unsqueeze', ['x', 'ax'], ['u']), N('Squeeze', ['u'], ['y'])], [('x', [1, 4])], [('y', [4])], [I64('ax', [-1])])
case('flatten-axis0', [N('Flatten', ['x'], ['y'], axis=0)], [('x', [1, 2, 3])], [('y', [1, 6])])
case('flatten-neg', [N('Flatten', ['x'], ['y'], axis=-1)], [('x', [1, 2, 3])], [('y', [2, 3])])
case('reshape-0-neg1', [N('Reshape', ['x', 's'], ['y'])], [('x', [1, 2, 3, 4])], [('y', [1, 2, 12])], [I64('s', [0, 0, -1])])
case('expand-tile', [N('Expand', ['x', 's'], ['e']), N('Tile', ['e', 'r'], ['y'])], [('x', [1, 3, 1])], [('y', [1, 6, 4])], [I64('s', [3, 4]), I64('r', [1, 2, 1])])
case('pad-constant-value', [N('Pad', ['x', 'p', 'v'], ['y'])], [('x', [1, 2, 3])], [('y', [1, 3, 6])], [I64('p', [0, 1, 2, 0, 0, 1]), F32('v', 1.5)])
case('pad-reflect', [N('Pad', ['x', 'p'], ['y'], mode='reflect')], [('x', [1, 1, 4, 4])], [('y', [1, 1, 6, 8])], [I64('p', [0, 0, 1, 2, 0, 0, 1, 2])])
case('pad-edge', [N('Pad', ['x', 'p'], ['y'], mode='edge')], [('x', [1, 1, 3, 3])], [('y', [1, 1, 5, 4])], [I64('p', [0, 0, 2, 0, 0, 0, 0, 1])])
case('pad-opset10', [N('Pad', ['x'], ['y'], pads=[0, 1, 0, 2], value=-1.0)], [('x', [1, 3])], [('y', [1, 6])], opset=10)
case('pad-negative', [N('Pad', ['x', 'p'], ['y'])], [('x', [1, 5])], [('y', [1, 4])], [I64('p', [0, -2, 0, 1])])
case('where-const-cond', [N('Where', ['c', 'x', 'k'], ['y'])], [('x', [1, 4])], [('y', [1, 4])],
     [nh.from_array(np.array([True, False, True, False]), 'c'), W('k', 4)])
# --- constant folding chains
case('fold-chain', [
    N('Shape', ['x'], ['sh']),                                # [1,2,6]
    N('Shape', ['x'], ['sh2'], start=1),                       # [2,6] (opset 15)
    N('ReduceProd', ['sh2'], ['prod'], keepdims=1),           # [12]
    N('Constant', [], ['one'], value=h.make_tensor('one', TP.INT64, [1], [1])),
    N('Concat', ['one', 'prod'], ['target'], axis=0),          # [1,12]
    N('Reshape', ['x', 'target'], ['flat']),
    N('ConstantOfShape', ['target'], ['ones'], value=h.make_tensor('v', F, [1], [2.0])),
    N('Range', ['r0', 'r1', 'r2'], ['rng']),                   # [0..11]
    N('Cast', ['rng'], ['rngf'], to=F),
    N('Mul', ['ones', 'rngf'], ['w']),                         # 2*i
    N('Equal', ['rng', 'five'], ['isfive']),
    N('Where', ['isfive', 'zero', 'w'], ['w2']),
    N('Mul', ['flat', 'w2'], ['y'])],
    [('x', [1, 2, 6])], [('y', [1, 12])],
    [I64('r0', 0), I64('r1', 12), I64('r2', 1), I64('five', 5), F32('zero', 0.0)], opset=15)
# --- conv / pool
case('conv-same-upper', [N('Conv', ['x', 'w', 'b'], ['y'], auto_pad='SAME_UPPER', strides=[2, 2])], [('x', [1, 2, 7, 6])], [('y', [1, 3, 4, 3])], [W('w', 3, 2, 3, 2), W('b', 3)])
case('conv-same-lower', [N('Conv', ['x', 'w'], ['y'], auto_pad='SAME_LOWER', kernel_shape=[2, 2])], [('x', [1, 1, 5, 5])], [('y', [1, 2, 5, 5])], [W('w', 2, 1, 2, 2)])
case('conv-valid', [N('Conv', ['x', 'w'], ['y'], auto_pad='VALID')], [('x', [1, 1, 5, 5])], [('y', [1, 2, 3, 3])], [W('w', 2, 1, 3, 3)])
case('conv-1d', [N('Conv', ['x', 'w', 'b'], ['y'], pads=[1, 2], strides=[2], dilations=[2])], [('x', [1, 2, 9])], [('y', [1, 3, 4])], [W('w', 3, 2, 3), W('b', 3)])
case('conv-depthwise', [N('Conv', ['x', 'w', 'b'], ['y'], group=3, pads=[1, 0, 1, 2])], [('x', [1, 3, 4, 4])], [('y', [1, 6, 4, 4])], [W('w', 6, 1, 3, 3), W('b', 6)])
case('conv-asym-pads', [N('Conv', ['x', 'w'], ['y'], pads=[0, 2, 1, 0], strides=[1, 3])], [('x', [1, 1, 5, 7])], [('y', [1, 1, 5, 3])], [W('w', 1, 1, 2, 3)])
case('conv-3d', [N('Conv', ['x', 'w'], ['y'], pads=[1, 1, 1, 1, 1, 1])], [('x', [1, 1, 3, 3, 3])], [('y', [1, 2, 3, 3, 3])], [W('w', 2, 1, 3, 3, 3)])
case('maxpool-ceil-dil', [N('MaxPool', ['x'], ['y'], kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1], dilations=[1, 2], ceil_mode=1)], [('x', [1, 2, 8, 7])], [('y', [1, 2, 5, 4])])
case('maxpool-ceil-edge', [N('MaxPool', ['x'], ['y'], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)], [('x', [1, 1, 4, 4])], [('y', [1, 1, 3, 3])])
case('maxpool-same', [N('MaxPool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], auto_pad='SAME_UPPER')], [('x', [1, 1, 5, 6])], [('y', [1, 1, 3, 3])])
case('maxpool-indices-unused', [N('MaxPool', ['x'], ['y', 'idx'], kernel_shape=[2, 2])], [('x', [1, 1, 4, 4])], [('y', [1, 1, 3, 3])])
case('maxpool-indices-used', [N('MaxPool', ['x'], ['y', 'idx'], kernel_shape=[2, 2], name='pool'), N('Cast', ['idx'], ['z'], to=F), N('Add', ['y', 'z'], ['out'])],
     [('x', [1, 1, 4, 4])], [('out', [1, 1, 3, 3])], expect={'unsupported': ['pool']})
case('avgpool-ceil-include', [N('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1, ceil_mode=1)], [('x', [1, 2, 6, 6])], [('y', [1, 2, 4, 4])])
case('avgpool-ceil-include-big', [N('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1], count_include_pad=1, ceil_mode=1)], [('x', [1, 1, 6, 6])], [('y', [1, 1, 3, 3])])
case('avgpool-same-lower', [N('AveragePool', ['x'], ['y'], kernel_shape=[2, 3], auto_pad='SAME_LOWER')], [('x', [1, 1, 4, 5])], [('y', [1, 1, 4, 5])])
case('global-max', [N('GlobalMaxPool', ['x'], ['y'])], [('x', [1, 3, 4, 2])], [('y', [1, 3, 1, 1])])
case('global-avg-1d', [N('GlobalAveragePool', ['x'], ['y'])], [('x', [1, 3, 5])], [('y', [1, 3, 1])])
case('reduce', [N('ReduceMean', ['x'], ['m'], axes=[2], keepdims=1), N('ReduceSum', ['x', 'ax'], ['s'], keepdims=1),
                N('ReduceMax', ['x'], ['mx'], axes=[-1], keepdims=1), N('Add', ['m', 's'], ['t']), N('Add', ['t', 'mx'], ['y'])],
     [('x', [1, 3, 4])], [('y', [1, 3, 1])], [I64('ax', [2])])
case('reduce-all', [N('ReduceMean', ['x'], ['y'], keepdims=0)], [('x', [1, 3, 4])], [('y', [])])
# --- BN
case('gemm-bn', [N('Gemm', ['x', 'w', 'b'], ['g'], transB=1), N('BatchNormalization', ['g', 's', 'bb', 'mu', 'var'], ['bn'], epsilon=1e-3), N('Relu', ['bn'], ['y'])],
     [('x', [1, 5])], [('y', [1, 4])], [W('w', 4, 5), W('b', 4), W('s', 4), W('bb', 4), W('mu', 4), nh.from_array(rng.uniform(0.5, 2, 4).astype(np.float32), 'var')])
case('bn-after-relu-3d', [N('Relu', ['x'], ['r']), N('BatchNormalization', ['r', 's', 'bb', 'mu', 'var'], ['y'])],
     [('x', [1, 3, 5])], [('y', [1, 3, 5])], [W('s', 3), W('bb', 3), W('mu', 3), nh.from_array(rng.uniform(0.5, 2, 3).astype(np.float32), 'var')])
case('bn-opset9-training-outputs-unused', [N('BatchNormalization', ['x', 's', 'bb', 'mu', 'var'], ['y'])],
     [('x', [1, 2, 3, 3])], [('y', [1, 2, 3, 3])], [W('s', 2), W('bb', 2), W('mu', 2), nh.from_array(rng.uniform(0.5, 2, 2).astype(np.float32), 'var')], opset=9)
case('conv-pad-chain', [N('Pad', ['x', 'p'], ['xp']), N('Conv', ['xp', 'w'], ['c']), N('Mul', ['c', 'k'], ['ck']), N('Add', ['ck', 'k2'], ['y'])],
     [('x', [1, 1, 4, 4])], [('y', [1, 2, 4, 4])], [I64('p', [0, 0, 1, 1, 0, 0, 1, 1]), W('w', 2, 1, 3, 3), W('k', 1, 2, 1, 1), W('k2', 2, 1, 1)])
# --- misc
case('identity-output', [N('Relu', ['x'], ['r']), N('Identity', ['r'], ['y1']), N('Reshape', ['r', 's'], ['y2'])],
     [('x', [1, 2, 3])], [('y1', [1, 2, 3]), ('y2', [1, 6])], [I64('s', [1, 6])])
case('two-outputs-shared', [N('Gemm', ['x', 'w'], ['g']), N('Relu', ['g'], ['y1']), N('Neg', ['g'], ['y2'])], [('x', [1, 3])], [('y1', [1, 2]), ('y2', [1, 2])], [W('w', 3, 2)])
case('cos-sin', [N('Cos', ['x'], ['c'], name='c0'), N('Sin', ['c'], ['s'], name='s0'), N('Add', ['s', 'x'], ['y'], name='add0'), N('MatMul', ['x', 'x2'], ['z'], name='mm')],
     [('x', [1, 3, 3]), ('x2', [1, 3, 3])], [('y', [1, 3, 3]), ('z', [1, 3, 3])], expect={'unsupported': ['c0', 's0', 'mm']})
case('custom-domain', [h.make_node('Foo', ['x'], ['y'], domain='com.example', name='foo')], [('x', [1, 3])], [('y', [1, 3])],
     expect={'unsupported': ['foo'], 'skipOrt': True}, domains=['com.example'])

# --- opset 18 (built without the onnx 1.12 checker, which stops at opset 17)
def case18(name, nodes, inputs, outputs, inits=()):
    g = h.make_graph(nodes, name, [h.make_tensor_value_info(n, F, s) for n, s in inputs],
                     [h.make_tensor_value_info(n, F, s) for n, s in outputs], list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid('', 18)], producer_name='zkinfer-test')
    m.ir_version = 8
    onnx.save(m, os.path.join(out_dir, name + '.onnx'))
    feeds = {n: (np.round(rng.standard_normal(s) * 256) / 256).astype(np.float32).ravel().tolist() for n, s in inputs}
    manifest.append({'name': name, 'opset': 18, 'inputs': [{'name': n, 'shape': s} for n, s in inputs], 'feeds': feeds, 'expect': {}})
case18('opset18-axes-inputs', [
    N('Pad', ['x', 'p', '', 'pax'], ['xp']),
    N('ReduceMean', ['xp', 'rax'], ['m'], keepdims=1),
    N('Split', ['xp'], ['a', 'b'], axis=2, num_outputs=2),
    N('Add', ['a', 'm'], ['t']), N('Sub', ['t', 'b'], ['y'])],
    [('x', [1, 2, 4])], [('y', [1, 2, 3])], [I64('p', [1, 1]), I64('pax', [2]), I64('rax', [2])])

json.dump(manifest, open(os.path.join(out_dir, 'manifest.json'), 'w'))
print(len(manifest), 'models')
`;

describe('ONNX ops vs onnxruntime (onnx.helper models)', function () {
  let cases: Case[] = [];

  before(function () {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, OUT], { encoding: 'utf8' });
    assert.equal(r.status, 0, `python model builder failed:\n${r.stderr}`);
    cases = JSON.parse(readFileSync(`${OUT}/manifest.json`, 'utf8'));
    assert.ok(cases.length > 50, 'the builder wrote the op models');
  });

  it('lowers every supported case exactly like onnxruntime (float64 interpreter, 1e-4 relative)', async function () {
    const failures: string[] = [];
    for (const c of cases.filter((k) => !k.expect.unsupported)) {
      const path = `${OUT}/${c.name}.onnx`;
      const inputs: Record<string, Float64Array> = {};
      const feeds: Record<string, ort.Tensor> = {};
      for (const i of c.inputs) {
        inputs[i.name] = Float64Array.from(c.feeds[i.name]);
        feeds[i.name] = new ort.Tensor('float32', Float32Array.from(c.feeds[i.name]), i.shape);
      }
      const session = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
      const want = await session.run(feeds);
      for (const optimize of [false, true]) {
        const graph = importOnnx(path, { optimize });
        const got = runGraph(graph, inputs);
        for (const o of graph.outputs) {
          const node = graph.nodes.find((n) => n.name === o)!;
          if (size(node.shape) !== size(want[o].dims)) failures.push(`${c.name}: output ${o} shape [${node.shape}] vs [${want[o].dims}]`);
          // A final Softmax is not proved: the graph outputs the logits and the verifier side applies it.
          const post = graph.postprocess?.[o];
          const mine = post ? softmaxRows(got[o], node.shape[node.shape.length - 1]) : got[o];
          if (post) assert.equal(post.op, 'Softmax', c.name);
          const err = relError(mine, want[o].data as Float32Array);
          if (!(err <= 1e-4)) failures.push(`${c.name} (optimize=${optimize}): output ${o} off by ${err.toExponential(2)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('reports each unsupported node by name, with the same message from inspect and import', function () {
    for (const c of cases.filter((k) => k.expect.unsupported)) {
      const path = `${OUT}/${c.name}.onnx`;
      const report = inspectOnnx(path);
      assert.equal(report.supported, false, c.name);
      assert.deepEqual(report.unsupported.map((u) => u.node), c.expect.unsupported, c.name);
      assert.throws(
        () => importOnnx(path),
        (e: unknown) => {
          assert.ok(e instanceof UnsupportedError);
          assert.equal(e.code, 'ONNX_UNSUPPORTED_OP');
          assert.equal(e.message, report.message);
          for (const u of report.unsupported) assert.ok(e.message.includes(`op '${u.opType}' (node '${u.node}')`), e.message);
          assert.ok(e.fix && e.fix.length > 0);
          return true;
        },
      );
    }
  });

  it('keeps analysing after an unsupported node: downstream supported ops are still checked', function () {
    const r = inspectOnnx(`${OUT}/cos-sin.onnx`);
    const status = Object.fromEntries(r.nodes.map((n) => [n.name, n.status]));
    assert.deepEqual(status, { c0: 'unsupported', s0: 'unsupported', add0: 'lowered', mm: 'unsupported' });
    assert.deepEqual(r.nodes.find((n) => n.name === 'add0')!.outputShapes, [[1, 3, 3]]);
    assert.match(r.unsupported.find((u) => u.node === 'mm')!.reason, /both of its operands are runtime tensors/);
    assert.match(r.unsupported.find((u) => u.node === 'c0')!.reason, /only supported when all its inputs are compile-time constants/);
  });

  it('names the used extra output (MaxPool Indices) as the reason', function () {
    const r = inspectOnnx(`${OUT}/maxpool-indices-used.onnx`);
    assert.match(r.unsupported[0].reason, /output 1 \('idx'\) is used/);
  });

  it('folds constant subgraphs (Shape/ReduceProd/Concat/ConstantOfShape/Range/Cast/Equal/Where) into one lowered Mul', function () {
    const graph = importOnnx(`${OUT}/fold-chain.onnx`, { optimize: false });
    assert.deepEqual(graph.nodes.map((n) => n.op), ['input', 'linear']);
    const folded = graph.onnxNodes.filter((n) => n.status === 'folded').map((n) => n.opType);
    assert.ok(folded.includes('Shape') && folded.includes('Range') && folded.includes('Where') && folded.includes('ConstantOfShape'));
    assert.deepEqual(graph.onnxNodes.filter((n) => n.status === 'lowered').map((n) => n.opType), ['Reshape', 'Mul']);
  });

  it('turns Clip(min=0) into relu, and a BatchNormalization after Gemm into one linear node', function () {
    assert.deepEqual(importOnnx(`${OUT}/clip-relu-opset13.onnx`).nodes.map((n) => n.op), ['input', 'relu']);
    const g = importOnnx(`${OUT}/gemm-bn.onnx`);
    assert.deepEqual(g.nodes.map((n) => (n.op === 'linear' ? n.kind : n.op)), ['input', 'Gemm+BatchNormalization', 'relu']);
    const standalone = importOnnx(`${OUT}/bn-after-relu-3d.onnx`);
    assert.deepEqual(standalone.nodes.map((n) => (n.op === 'linear' ? n.kind : n.op)), ['input', 'relu', 'BatchNormalization']);
  });

  it('registers every op as a function named after the ONNX op', function () {
    for (const op of [...OPS.runtimeOps(), ...OPS.foldOnlyOps()]) assert.equal(OPS.get(op)!.name, op);
  });
});
