/**
 * readOnnx: decoding with the generated protobufjs code, and one clear OnnxParseError per
 * way a file can be unusable (missing, a directory, not ONNX, truncated, no graph, external data).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { OnnxParseError } from '../../../src/errors.ts';
import { importOnnx } from '../../../src/compiler/graph/importOnnx.ts';
import { inspectOnnx } from '../../../src/compiler/graph/inspectOnnx.ts';
import { toNumber } from '../../../src/compiler/parse/int64.ts';
import { readOnnx } from '../../../src/compiler/parse/readOnnx.ts';

const OUT = 'build/test-parse/read';
const MLP = 'fixtures/models/digits-mlp/model.onnx';

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OnnxParseError, `expected OnnxParseError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.ok(e.fix && e.fix.length > 0, 'has a fix');
    return true;
  });
}

describe('parse/readOnnx', function () {
  before(function () {
    mkdirSync(OUT, { recursive: true });
  });

  it('decodes a model from a path or from bytes, int64 fields as Long', function () {
    const m = readOnnx(MLP);
    assert.equal(toNumber(m.irVersion) > 0, true);
    const nodes = m.graph?.node ?? [];
    assert.ok(nodes.length > 0);
    assert.equal(toNumber(m.opsetImport.find((o) => !o.domain)!.version), 13);
    const fromBytes = readOnnx(new Uint8Array(readFileSync(MLP)));
    assert.equal(fromBytes.graph?.node?.length, nodes.length);
    assert.ok((fromBytes.graph?.initializer?.[0].dims?.length ?? 0) > 0);
  });

  it('missing file → ONNX_FILE_NOT_FOUND', function () {
    expectCode(() => readOnnx(`${OUT}/nope.onnx`), 'ONNX_FILE_NOT_FOUND', /does not exist/);
  });

  it('a directory → ONNX_NOT_A_FILE', function () {
    expectCode(() => readOnnx(OUT), 'ONNX_NOT_A_FILE');
  });

  it('text, JSON, empty and random bytes → ONNX_NOT_ONNX', function () {
    expectCode(() => readOnnx(new TextEncoder().encode('hello, this is not a model\n')), 'ONNX_NOT_ONNX', /not an ONNX model/);
    expectCode(() => readOnnx(new TextEncoder().encode('{"input_data": [[1, 2, 3]]}')), 'ONNX_NOT_ONNX');
    expectCode(() => readOnnx(new Uint8Array()), 'ONNX_NOT_ONNX', /empty/);
    const path = `${OUT}/random.onnx`;
    let seed = 1;
    writeFileSync(path, Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)));
    expectCode(() => readOnnx(path), 'ONNX_NOT_ONNX');
  });

  it('every truncation of a real model fails with OnnxParseError (never a crash or a half model)', function () {
    const bytes = new Uint8Array(readFileSync(MLP));
    for (let k = 1; k < 40; k++) {
      const cut = Math.floor((bytes.length * k) / 40);
      assert.throws(() => importOnnx(bytes.subarray(0, cut)), (e: unknown) => {
        assert.ok(e instanceof OnnxParseError, `cut at ${cut}: ${String(e)}`);
        assert.ok(['ONNX_TRUNCATED', 'ONNX_NO_GRAPH', 'ONNX_NO_OPSET', 'ONNX_BAD_TENSOR', 'ONNX_BAD_GRAPH'].includes(e.code), `cut at ${cut}: ${e.code}`);
        return true;
      });
    }
    expectCode(() => readOnnx(bytes.subarray(0, Math.floor(bytes.length * 0.6))), 'ONNX_TRUNCATED', /truncated/);
  });

  it('a model header without a graph → ONNX_NO_GRAPH', function () {
    // Field 1 (ir_version) = 8, field 2 (producer_name) = "x": a valid ModelProto with no graph.
    expectCode(() => readOnnx(Uint8Array.from([0x08, 0x08, 0x12, 0x01, 0x78])), 'ONNX_NO_GRAPH', /without a graph/);
  });

  it('external-data tensors → ONNX_EXTERNAL_DATA, saying how to embed them', function () {
    const r = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        [
          'import sys, onnx',
          'm = onnx.load(sys.argv[1])',
          "onnx.save(m, sys.argv[2] + '/external.onnx', save_as_external_data=True, all_tensors_to_one_file=True, location='external.data', size_threshold=0)",
        ].join('\n'),
        MLP,
        OUT,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    for (const f of [readOnnx, importOnnx, inspectOnnx]) {
      expectCode(() => f(`${OUT}/external.onnx`), 'ONNX_EXTERNAL_DATA', /external data file \('external\.data'\).*unsupported/);
    }
    assert.throws(() => readOnnx(`${OUT}/external.onnx`), (e: OnnxParseError) => /save_as_external_data=False/.test(e.fix ?? ''));
  });
});
