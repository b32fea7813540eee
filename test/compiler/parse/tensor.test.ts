/**
 * TensorProto decoding: every supported data type from raw_data and from the typed fields,
 * checked against tensors written by onnx.numpy_helper / onnx.helper (Python), plus the
 * error cases (bad lengths, external data, unknown types).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import Long from 'long';
import { OnnxParseError, UnsupportedError } from '../../../src/errors.ts';
import { readOnnx } from '../../../src/compiler/parse/readOnnx.ts';
import { decodeSparseTensor, decodeTensor, halfBitsToFloat32, toFloat64, type TensorProto } from '../../../src/compiler/parse/tensor.ts';
import { toBigInt, toNumber } from '../../../src/compiler/parse/int64.ts';

const OUT = 'build/test-parse/tensors';

/** Writes a model whose initializers are tensors of every dtype, raw and typed, and their values as JSON. */
const PYTHON = String.raw`
import json, os, sys
import numpy as np
import onnx
from onnx import helper as h, numpy_helper as nh, TensorProto as TP
out = sys.argv[1]
rng = np.random.default_rng(3)
cases = {
  'float32': (np.float32, TP.FLOAT), 'float64': (np.float64, TP.DOUBLE), 'float16': (np.float16, TP.FLOAT16),
  'int8': (np.int8, TP.INT8), 'uint8': (np.uint8, TP.UINT8), 'int16': (np.int16, TP.INT16), 'uint16': (np.uint16, TP.UINT16),
  'int32': (np.int32, TP.INT32), 'uint32': (np.uint32, TP.UINT32), 'int64': (np.int64, TP.INT64), 'bool': (np.bool_, TP.BOOL),
}
inits, expected = [], {}
for name, (dt, code) in cases.items():
    if name.startswith('float'):
        a = (rng.standard_normal((2, 3)) * 10).astype(dt)
    elif name == 'bool':
        a = rng.integers(0, 2, (2, 3)).astype(dt)
    else:
        info = np.iinfo(dt)
        a = rng.integers(max(info.min, -1000), min(info.max, 1000), (2, 3), endpoint=True).astype(dt)
        a.flat[0] = info.min
        a.flat[1] = info.max
    inits.append(nh.from_array(a, 'raw_' + name))
    vals = a.flatten().tolist()
    # (for float16, onnx.helper stores the half bit patterns in int32_data)
    typed = h.make_tensor('typed_' + name, code, a.shape, vals)
    assert not typed.raw_data
    inits.append(typed)
    expected[name] = {'shape': list(a.shape), 'values': [str(int(v)) if name == 'int64' else float(v) for v in vals]}
g = h.make_graph([h.make_node('Identity', ['x'], ['y'])], 'g', [h.make_tensor_value_info('x', TP.FLOAT, [1])],
                 [h.make_tensor_value_info('y', TP.FLOAT, [1])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
onnx.save(m, os.path.join(out, 'dtypes.onnx'))
json.dump(expected, open(os.path.join(out, 'dtypes.json'), 'w'))
`;

describe('parse/tensor: TensorProto → typed arrays', function () {
  let tensors: Map<string, TensorProto>;
  let expected: Record<string, { shape: number[]; values: (number | string)[] }>;

  before(function () {
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, OUT], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const model = readOnnx(`${OUT}/dtypes.onnx`);
    tensors = new Map(model.graph!.initializer!.map((t) => [t.name ?? '', t]));
    expected = JSON.parse(readFileSync(`${OUT}/dtypes.json`, 'utf8'));
  });

  for (const dtype of ['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'bool']) {
    it(`decodes ${dtype} from raw_data and from the typed field`, function () {
      const want = expected[dtype];
      for (const form of ['raw', 'typed']) {
        const t = decodeTensor(tensors.get(`${form}_${dtype}`)!);
        assert.equal(t.dtype, dtype);
        assert.deepEqual(t.shape, want.shape);
        if (dtype === 'int64') {
          assert.ok(t.data instanceof BigInt64Array);
          assert.deepEqual(Array.from(t.data as BigInt64Array, String), want.values);
        } else {
          assert.deepEqual(Array.from(toFloat64(t.data)), want.values, `${form} ${dtype}`);
        }
      }
    });
  }

  it('returns the natural typed array per dtype', function () {
    const kinds: Record<string, string> = {
      float32: 'Float32Array', float64: 'Float64Array', float16: 'Float32Array', int8: 'Int8Array', uint8: 'Uint8Array',
      int16: 'Int16Array', uint16: 'Uint16Array', int32: 'Int32Array', uint32: 'Uint32Array', int64: 'BigInt64Array', bool: 'Uint8Array',
    };
    for (const [dtype, ctor] of Object.entries(kinds)) {
      assert.equal(decodeTensor(tensors.get(`raw_${dtype}`)!).data.constructor.name, ctor, dtype);
    }
  });

  it('rejects raw_data whose length does not match the shape, naming the tensor', function () {
    const t: TensorProto = { name: 'W', dataType: 1, dims: [Long.fromNumber(4), Long.fromNumber(3)], rawData: new Uint8Array(40) };
    assert.throws(() => decodeTensor(t), (e: unknown) => {
      assert.ok(e instanceof OnnxParseError);
      assert.equal(e.code, 'ONNX_BAD_TENSOR');
      assert.match(e.message, /tensor 'W' has 40 bytes of float32 raw_data, but its shape needs 12 values \(48 bytes\)/);
      return true;
    });
  });

  it('rejects typed fields whose length does not match the shape', function () {
    assert.throws(() => decodeTensor({ name: 'b', dataType: 1, dims: [3], floatData: [1, 2] }), /tensor 'b' has 2 values in float_data, but its shape needs 3/);
    assert.throws(() => decodeTensor({ name: 'i', dataType: 7, dims: [1], int64Data: [] }), OnnxParseError);
  });

  it('rejects external data with a fix that embeds it', function () {
    const t: TensorProto = { name: 'W', dataType: 1, dims: [2], dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] };
    assert.throws(() => decodeTensor(t), (e: unknown) => {
      assert.ok(e instanceof OnnxParseError);
      assert.equal(e.code, 'ONNX_EXTERNAL_DATA');
      assert.match(e.message, /'weights\.bin'.*unsupported/);
      assert.match(e.fix!, /save_as_external_data=False/);
      return true;
    });
  });

  it('rejects unknown and unsupported data types', function () {
    assert.throws(() => decodeTensor({ name: 'u', dataType: 99, dims: [1] }), OnnxParseError);
    assert.throws(() => decodeTensor({ name: 's', dataType: 8, dims: [1], stringData: [new Uint8Array([65])] }), UnsupportedError);
  });

  it('decodes an empty tensor and a scalar', function () {
    assert.equal(decodeTensor({ name: 'e', dataType: 1, dims: [0, 3] }).data.length, 0);
    const s = decodeTensor({ name: 's', dataType: 7, dims: [], int64Data: [Long.fromString('-9223372036854775808')] });
    assert.deepEqual(s.shape, []);
    assert.equal((s.data as BigInt64Array)[0], -9223372036854775808n);
  });

  it('converts half and bfloat16 bit patterns', function () {
    const f = halfBitsToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7c00, 0x0000]), false);
    assert.deepEqual(Array.from(f), [1, -2, 2 ** -24, Infinity, 0]);
    assert.deepEqual(Array.from(halfBitsToFloat32(Uint16Array.from([0x3f80, 0xbfc0]), true)), [1, -1.5]);
  });

  it('densifies sparse tensors with linear or coordinate indices', function () {
    const values: TensorProto = { name: 'sp', dataType: 1, dims: [2], floatData: [5, 7] };
    const lin = decodeSparseTensor({ values, indices: { dataType: 7, dims: [2], int64Data: [1, 5] }, dims: [2, 3] });
    assert.deepEqual(Array.from(toFloat64(lin.data)), [0, 5, 0, 0, 0, 7]);
    const coo = decodeSparseTensor({ values, indices: { dataType: 7, dims: [2, 2], int64Data: [0, 1, 1, 2] }, dims: [2, 3] });
    assert.deepEqual(Array.from(toFloat64(coo.data)), [0, 5, 0, 0, 0, 7]);
  });

  it('converts protobuf int64 (Long) values exactly', function () {
    assert.equal(toBigInt(Long.fromString('9223372036854775807')), 9223372036854775807n);
    assert.equal(toBigInt(Long.fromString('-5')), -5n);
    assert.equal(toNumber(Long.fromNumber(123456789012)), 123456789012);
    assert.equal(toNumber(null), 0);
  });
});
