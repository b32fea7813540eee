import assert from 'node:assert/strict';
import { ProofError, CircuitError } from '../../src/errors.ts';
import { BN128_R } from '../../src/prover/ptau/ptauFormat.ts';
import { decodePublicSignals, layoutPublicSignals, packGroup, parseSignals, unpackGroup } from '../../src/prover/publicSignals.ts';
import { fixtureManifest } from './helpers.ts';

/** Deterministic pseudo-random bigints in [lo, hi]. */
function rand(seed: number): (lo: bigint, hi: bigint) => bigint {
  let s = BigInt(seed) + 0x9e3779b97f4a7c15n;
  return (lo, hi) => {
    let acc = 0n;
    for (let i = 0; i < 5; i++) {
      s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      acc = (acc << 64n) | s;
    }
    return lo + (acc % (hi - lo + 1n));
  };
}

describe('prover/publicSignals', () => {
  it('lays out groups: outputs first, bits = width of hi − lo, perSignal = ⌊252/bits⌋', () => {
    const layout = layoutPublicSignals([
      { role: 'input', tensor: 'x', count: 40, lo: -128, hi: 127 },
      { role: 'output', tensor: 'logits', count: 10, lo: '-1000', hi: '1000' },
      { role: 'output', tensor: 'flag', count: 3, lo: 0n, hi: 0n },
    ]);
    assert.deepEqual(layout.groups.map((g) => [g.role, g.tensor, g.bits, g.perSignal, g.firstSignal, g.signals]), [
      ['output', 'logits', 11, 22, 0, 1],
      ['output', 'flag', 1, 252, 1, 1],
      ['input', 'x', 8, 31, 2, 2],
    ]);
    assert.equal(layout.total, 4);
    assert.equal(layout.groups[0].lo, '-1000');
  });

  it('places commitments (one whole field element each) between outputs and inputs', () => {
    const layout = layoutPublicSignals([
      { role: 'input', tensor: 'x', count: 2, lo: 0, hi: 3 },
      { role: 'weightsCommitment', tensor: 'weights', count: 1, lo: 0, hi: 0 },
      { role: 'inputCommitment', tensor: 'x', count: 1, lo: 0, hi: 0 },
      { role: 'output', tensor: 'y', count: 300, lo: 0, hi: 1 },
    ]);
    assert.deepEqual(layout.groups.map((g) => [g.role, g.firstSignal, g.signals, g.bits, g.perSignal]), [
      ['output', 0, 2, 1, 252],
      ['inputCommitment', 2, 1, 254, 1],
      ['weightsCommitment', 3, 1, 254, 1],
      ['input', 4, 1, 2, 126],
    ]);
    const c = BN128_R - 1n;
    const signals = [0n, 0n, c, 5n, 1n];
    assert.deepEqual(unpackGroup(signals, layout.groups[1]), [c]);
    assert.deepEqual(packGroup([c], layout.groups[1]), [c]);
    assert.throws(() => packGroup([BN128_R], layout.groups[1]), ProofError);
    assert.throws(() => unpackGroup([0n, 0n, BN128_R, 5n, 1n], layout.groups[1]), ProofError);
  });

  it('rejects unpackable groups', () => {
    assert.throws(() => layoutPublicSignals([{ role: 'output', tensor: 'w', count: 1, lo: 0, hi: 2n ** 252n }]), CircuitError);
    assert.throws(() => layoutPublicSignals([{ role: 'output', tensor: 'w', count: 1, lo: 5, hi: 4 }]), CircuitError);
    assert.throws(() => layoutPublicSignals([{ role: 'output', tensor: 'w', count: 0, lo: 0, hi: 4 }]), CircuitError);
    // 252 bits still fit (one value per signal).
    const [g] = layoutPublicSignals([{ role: 'output', tensor: 'w', count: 2, lo: 0, hi: 2n ** 252n - 1n }]).groups;
    assert.deepEqual([g.bits, g.perSignal, g.signals], [252, 1, 2]);
  });

  it('pack/unpack round-trips at many widths and counts', () => {
    const r = rand(7);
    for (const [bits, count] of [[1, 1], [1, 253], [7, 36], [8, 37], [16, 15], [62, 7], [125, 5], [126, 3], [252, 2]] as const) {
      const lo = -(2n ** BigInt(bits - 1)) + 3n;
      const hi = lo + 2n ** BigInt(bits) - 1n;
      const layout = layoutPublicSignals([
        { role: 'output', tensor: 'a', count: 3, lo: 0, hi: 5 },
        { role: 'output', tensor: 't', count, lo, hi },
      ]);
      const group = layout.groups[1];
      assert.equal(group.bits, bits);
      const values = Array.from({ length: count }, (_, i) => (i === 0 ? lo : i === 1 ? hi : r(lo, hi)));
      const packed = packGroup(values, group);
      assert.equal(packed.length, group.signals);
      for (const s of packed) assert.ok(s >= 0n && s < BN128_R);
      const all = [...packGroup([0n, 5n, 2n], layout.groups[0]), ...packed];
      assert.deepEqual(unpackGroup(all, group), values);
      assert.deepEqual(unpackGroup(all, layout.groups[0]), [0n, 5n, 2n]);
    }
  });

  it('packing rejects values outside [lo, lo + 2^bits) and wrong counts', () => {
    const [g] = layoutPublicSignals([{ role: 'output', tensor: 't', count: 2, lo: -4, hi: 3 }]).groups;
    assert.throws(() => packGroup([-5n, 0n], g), ProofError);
    assert.throws(() => packGroup([4n, 0n], g), ProofError);
    assert.throws(() => packGroup([0n], g), ProofError);
  });

  it('unpacking rejects signals ≥ p, bits above the last slot and missing signals', () => {
    const [g] = layoutPublicSignals([{ role: 'output', tensor: 't', count: 5, lo: 0, hi: 255 }]).groups; // 8 bits, 31 per signal
    const ok = packGroup([1n, 2n, 3n, 4n, 255n], g);
    assert.deepEqual(unpackGroup(ok, g), [1n, 2n, 3n, 4n, 255n]);
    assert.throws(() => unpackGroup([ok[0] + (1n << 40n)], g), (e: unknown) => e instanceof ProofError && /bits set above/.test(e.message));
    assert.throws(() => unpackGroup([BN128_R], g), (e: unknown) => e instanceof ProofError && /field/.test(e.message));
    assert.throws(() => unpackGroup([], g), ProofError);
    // a full signal (31 slots) has no spare bits below 248 but 248..251 are still "above".
    const [h] = layoutPublicSignals([{ role: 'output', tensor: 't', count: 31, lo: 0, hi: 255 }]).groups;
    assert.throws(() => unpackGroup([1n << 248n], h), ProofError);
    assert.deepEqual(unpackGroup([(1n << 248n) - 1n], h), new Array(31).fill(255n));
  });

  it('parseSignals wants exactly the layout count of decimal field elements', () => {
    assert.deepEqual(parseSignals(['0', '12'], 2), [0n, 12n]);
    assert.throws(() => parseSignals(['1'], 2), (e: unknown) => e instanceof ProofError && /expected 2 public signals/.test(e.message));
    assert.throws(() => parseSignals(['0x10', '1'], 2), ProofError);
    assert.throws(() => parseSignals([1, 2], 2), ProofError);
    assert.throws(() => parseSignals('12', 1), ProofError);
    assert.throws(() => parseSignals([BN128_R.toString()], 1), ProofError);
  });

  it('decodePublicSignals returns q, real values and shapes of every output', () => {
    const m = fixtureManifest('t', 'public', { constraints: 0, linearConstraints: 0, wires: 0, privateInputs: 0, publicInputs: 1, outputs: 3, r1csSha256: '', sourceSha256: '', circom: '' });
    const [gy, gz, gx] = m.publicSignals.groups;
    const y = [-(2n ** 60n) - 128n, 0n, 1n, 16n, -16n, 2n ** 60n + 128n, 5n];
    const signals = [...packGroup(y, gy), ...packGroup([-3n, 7n], gz), ...packGroup([-128n, 0n, 1n, 127n], gx)].map(String);
    assert.equal(signals.length, m.publicSignals.total);
    const d = decodePublicSignals(m, signals);
    assert.deepEqual(d.outputs.map((o) => o.name), ['y', 'z']);
    assert.deepEqual(d.outputs[0].values, y);
    assert.deepEqual(d.outputs[0].shape, [1, 7]);
    assert.equal(d.outputs[0].real[3], 1); // 16 · 2^-4
    assert.equal(d.outputs[0].real[4], -1);
    assert.deepEqual(d.outputs[1].real, [-3, 7]);
    assert.deepEqual(d.inputs[0].values, [-128n, 0n, 1n, 127n]);
    assert.deepEqual(d.inputs[0].real, [-8, 0, 0.0625, 7.9375]);
    const wrong = [...signals];
    wrong[2] = (BigInt(wrong[2]) + (1n << 40n)).toString();
    assert.throws(() => decodePublicSignals(m, wrong), ProofError);
  });
});

