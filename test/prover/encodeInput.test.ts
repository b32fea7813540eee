import assert from 'node:assert/strict';
import { InputError, ShapeError, ZkInferError } from '../../src/errors.ts';
import type { Manifest } from '../../src/manifest.ts';
import { encodeInput, isCircuitInput, quantizeInput } from '../../src/prover/encodeInput.ts';
import { unpackGroup } from '../../src/prover/publicSignals.ts';
import { fixtureManifest } from './helpers.ts';

const circuit = { constraints: 0, linearConstraints: 0, wires: 0, privateInputs: 4, publicInputs: 0, outputs: 3, r1csSha256: '', sourceSha256: '', circom: '' };
const priv = fixtureManifest('t', 'private', circuit);
const pub = fixtureManifest('t', 'public', circuit);

/** Runs f, expects a ZkInferError of class C whose message matches every pattern. */
function throwsWith(f: () => unknown, C: typeof ZkInferError, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof C, `expected ${C.name}, got ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    assert.ok((e as ZkInferError).fix, 'has a fix');
    return true;
  });
}

describe('prover/encodeInput', () => {
  const x = [0.5, -1, 2.25, 7.9375];
  const q = [8n, -16n, 36n, 127n];

  it('accepts the nested, batch-less, flat, named and EZKL forms', () => {
    for (const form of [[x], x, { x: [x] }, { x }, { input_data: [x] }, { input_data: [[x]] }]) {
      assert.deepEqual(encodeInput(priv, form), { in: q }, JSON.stringify(form));
    }
  });

  it('quantizes with round half up and the zero point', () => {
    const m: Manifest = { ...priv, inputs: [{ ...priv.inputs[0], zeroPoint: '3', scale: 1 }] };
    assert.deepEqual(quantizeInput(m, [0.25, 0.75, -0.25, -0.75]), [[4n, 5n, 3n, 2n]]); // round half up (x·2 = 0.5, 1.5, −0.5, −1.5) + 3
  });

  it('packs public inputs per the layout', () => {
    const enc = encodeInput(pub, [x]);
    assert.ok('inPacked' in enc);
    const group = pub.publicSignals.groups.find((g) => g.role === 'input');
    assert.ok(group);
    const all = [...new Array(group.firstSignal).fill(0n), ...enc.inPacked];
    assert.deepEqual(unpackGroup(all, group), q);
    // q + 128 at 8 bits per slot
    assert.equal(enc.inPacked[0], 136n + (112n << 8n) + (164n << 16n) + (255n << 24n));
  });

  it('names expected and actual shapes', () => {
    throwsWith(() => encodeInput(priv, [[1, 2, 3]]), ShapeError, /shape \[1,3\]/, /expected \[1,4\]/, /\[4\]/);
    throwsWith(() => encodeInput(priv, [[1, 2], [3, 4]]), ShapeError, /shape \[2,2\]/);
    throwsWith(() => encodeInput(priv, [[1, 2], [3]]), ShapeError, /ragged/);
    throwsWith(() => encodeInput(priv, { input_data: [[1, 2, 3]] }), ShapeError, /3 values, expected 4/);
  });

  it('rejects non-numbers and non-finite values, naming the index', () => {
    throwsWith(() => encodeInput(priv, [[1, '2', 3, 4]]), InputError, /element 1/, /string "2"/);
    throwsWith(() => encodeInput(priv, [1, 2, null, 4]), InputError, /element 2/, /null/);
    throwsWith(() => encodeInput(priv, [1, 2, 3, NaN]), InputError, /element 3/, /NaN/);
    throwsWith(() => encodeInput(priv, [Infinity, 2, 3, 4]), InputError, /element 0/, /Infinity/);
    const m: Manifest = { ...priv, inputs: [{ ...priv.inputs[0], shape: [1, 2, 2] }] };
    throwsWith(() => encodeInput(m, [[[1, 2], [3, true]]]), InputError, /element 3 \(index \[0, 1, 1\]\)/);
  });

  it('rejects values outside the representable range with the index, value and float range', () => {
    throwsWith(() => encodeInput(priv, [1, 8, 2, 3]), InputError, /element 1/, /= 8 /, /-8 … 7\.9375/, /q = 128 not in \[-128, 127\]/);
    throwsWith(() => encodeInput(priv, [1, 2, -8.04, 3]), InputError, /element 2/, /-8\.04/);
    assert.deepEqual(encodeInput(priv, [-8.03, 7.96, 0, 0]), { in: [-128n, 127n, 0n, 0n] }); // rounds into range
    throwsWith(() => encodeInput(priv, [1e300, 0, 0, 0]), InputError, /element 0/);
  });

  it('checks input names and forms', () => {
    throwsWith(() => encodeInput(priv, { y: [x] }), InputError, /"y"/, /"x"/);
    throwsWith(() => encodeInput(priv, 'hello'), InputError, /array or object/);
    throwsWith(() => encodeInput(priv, { input_data: 'x' }), InputError, /input_data/);
    const two: Manifest = { ...priv, inputs: [priv.inputs[0], { ...priv.inputs[0], name: 'mask' }] };
    throwsWith(() => encodeInput(two, [x]), InputError, /2 inputs/);
    throwsWith(() => encodeInput(two, { x }), InputError, /"mask"/);
    assert.deepEqual(encodeInput(two, { mask: [0, 0, 0, 1], x }), { in: [...q, 0n, 0n, 0n, 16n] });
    assert.deepEqual(encodeInput(two, { input_data: [x, [0, 0, 0, 1]] }), { in: [...q, 0n, 0n, 0n, 16n] });
  });

  it('recognises already-encoded circuit input', () => {
    assert.ok(isCircuitInput({ in: [1n, 2n] }));
    assert.ok(isCircuitInput({ inPacked: [1n] }));
    assert.ok(!isCircuitInput({ in: [1, 2] }));
    assert.ok(!isCircuitInput({ x: [1n] }));
    assert.ok(!isCircuitInput([1n]));
  });
});
