/**
 * contracts/PackedOutputs.sol against the TypeScript codec (src/prover/publicSignals.ts: packGroup / unpackGroup): random layouts (widths 1–252 bits, signed and unsigned lo, partial last signals) decode to the
 * packed values on both sides; non-canonical signals and impossible layouts are rejected by both.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { network } from 'hardhat';
import type { PackedGroup } from '../../src/manifest.ts';
import { packGroup, unpackGroup } from '../../src/prover/publicSignals.ts';

const randBelow = (n: bigint): bigint => {
  const bytes = Math.ceil(n.toString(2).length / 8) + 8;
  return BigInt(`0x${randomBytes(bytes).toString('hex')}`) % n;
};

function randomLayout(seed: number): { g: PackedGroup; values: bigint[]; lead: number } {
  const bits = [1, 2, 7, 8, 13, 16, 31, 32, 33, 64, 100, 126, 127, 128, 200, 251, 252][seed % 17];
  const maxPer = Math.floor(252 / bits);
  const perSignal = 1 + Number(randBelow(BigInt(Math.min(maxPer, 40))));
  const count = 1 + Number(randBelow(BigInt(Math.min(3 * perSignal + 2, 60))));
  const lo = seed % 3 === 0 ? 0n : -(1n << BigInt(bits - 1)) + BigInt(seed % 5) - 2n;
  const lead = seed % 2; // an unrelated signal before the group
  const g: PackedGroup = {
    role: 'output', tensor: 't', count, bits, lo: lo.toString(), perSignal, firstSignal: lead,
    signals: Math.ceil(count / perSignal),
  };
  const values = Array.from({ length: count }, (_, j) =>
    lo + (j === 0 ? 0n : j === 1 ? (1n << BigInt(bits)) - 1n : randBelow(1n << BigInt(bits))));
  return { g, values, lead };
}

describe('PackedOutputs.sol (packed public signals decoder)', function () {
  let harness: Awaited<ReturnType<Awaited<ReturnType<typeof network.create>>['viem']['deployContract']>>;
  let viem: Awaited<ReturnType<typeof network.create>>['viem'];

  before(async function () {
    ({ viem } = await network.create());
    harness = await viem.deployContract('PackedOutputsHarness');
  });

  const call = (signals: bigint[], g: PackedGroup) =>
    harness.read.decode([signals, BigInt(g.firstSignal), BigInt(g.bits), BigInt(g.lo), BigInt(g.perSignal), BigInt(g.count)]) as Promise<readonly bigint[]>;

  it('decodes what the TypeScript packer encodes, equal to the TypeScript decoder (60 random layouts)', async function () {
    for (let seed = 0; seed < 60; seed++) {
      const { g, values, lead } = randomLayout(seed);
      const signals = [...Array.from({ length: lead }, () => randBelow(1n << 250n)), ...packGroup(values, g), 12345n];
      const ts = unpackGroup(signals, g);
      assert.deepEqual(ts, values, `TypeScript decoder, layout ${JSON.stringify(g)}`);
      const sol = await call(signals, g);
      assert.deepEqual([...sol], values, `Solidity decoder, layout ${JSON.stringify(g)}`);
    }
  });

  it('rejects a signal with bits above its last value (NonCanonicalSignal), like the TypeScript decoder', async function () {
    const g: PackedGroup = { role: 'output', tensor: 't', count: 5, bits: 12, lo: '-2048', perSignal: 2, firstSignal: 0, signals: 3 };
    const signals = packGroup([-2048n, 2047n, 0n, 1n, -5n], g);
    // The last signal holds one value: bit 12 is above it. The full ones: bit 24.
    for (const [i, bump] of [[2, 1n << 12n], [0, 1n << 24n], [1, 1n << 200n]] as const) {
      const bad = [...signals];
      bad[i] += bump;
      assert.throws(() => unpackGroup(bad, g), /bits set above/);
      await viem.assertions.revertWithCustomErrorWithArgs(call(bad, g), harness, 'NonCanonicalSignal', [BigInt(i)]);
    }
  });

  it('rejects impossible layouts (InvalidGroup) and groups past the last signal (GroupOutOfRange)', async function () {
    const ok: PackedGroup = { role: 'output', tensor: 't', count: 4, bits: 8, lo: '0', perSignal: 4, firstSignal: 0, signals: 1 };
    const s = packGroup([1n, 2n, 3n, 4n], ok);
    for (const bad of [{ bits: 0 }, { count: 0 }, { perSignal: 0 }, { bits: 64, perSignal: 4 }, { bits: 253, perSignal: 1 }]) {
      await viem.assertions.revertWithCustomError(call(s, { ...ok, ...bad }), harness, 'InvalidGroup');
    }
    await viem.assertions.revertWithCustomError(call(s, { ...ok, firstSignal: 1 }), harness, 'GroupOutOfRange');
    await viem.assertions.revertWithCustomError(call(s, { ...ok, count: 5 }), harness, 'GroupOutOfRange');
  });
});
