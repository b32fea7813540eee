/**
 * deployAndVerify (the demo's and the bench's entry point) on the embedded in-process chain: no node, no key;
 * deploys, registers, submits (event outputs = circuit outputs) and measures both gas figures.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployAndVerify } from '../../src/chain/roundTrip.ts';
import { chainFixtures } from './fixtures/chainFixtures.ts';

describe('deployAndVerify on the embedded in-process chain', function () {
  it('deploys, registers, submits and measures gas without any node or key', async function () {
    const fx = (await chainFixtures()).mlp10;
    const work = await mkdtemp(join(tmpdir(), 'zkinfer-roundtrip-'));
    try {
      const buildDir = join(work, 'mlp10');
      await cp(fx.buildDir, buildDir, { recursive: true });
      const saved = process.env.ZKINFER_PRIVATE_KEY;
      delete process.env.ZKINFER_PRIVATE_KEY;
      const x = [255n, 255n, 0n, 1n];
      const { proof, publicSignals } = await fx.prove(x);
      const r = await deployAndVerify({ buildDir, proof, publicSignals }).finally(() => {
        if (saved !== undefined) process.env.ZKINFER_PRIVATE_KEY = saved;
      });
      assert.equal(r.chain, 'in-process');
      assert.equal(r.verification.valid, true);
      assert.ok(r.verification.txHash);
      assert.deepEqual(r.verification.outputs, fx.spec.outputs(x));
      assert.ok(r.gas?.verifier && r.gas.verifier < 300_000n, `bare verifier gas ${r.gas?.verifier}`);
      assert.ok(r.gas?.registry && r.gas.registry > r.gas.verifier);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
