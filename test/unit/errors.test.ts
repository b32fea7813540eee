import assert from 'node:assert/strict';
import { ZkInferError, UnsupportedError } from '../../src/errors.ts';

describe('errors', () => {
  it('domain errors share one base class and carry code and fix', () => {
    const e = new UnsupportedError('ONNX_UNSUPPORTED_OP', 'op LSTM is not supported', { fix: 'remove it' });
    assert.ok(e instanceof ZkInferError);
    assert.equal(e.code, 'ONNX_UNSUPPORTED_OP');
    assert.equal(e.fix, 'remove it');
    assert.equal(e.name, 'UnsupportedError');
  });
});
