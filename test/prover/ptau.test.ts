import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../src/errors.ts';
import { bn128, loadSnarkjs, recordingLogger } from '../../src/prover/lib/snarkjs.ts';
import { DEV_PTAU_LABEL, writeDevPtau, writePtauFromSecrets } from '../../src/prover/ptau/devPtau.ts';
import { assertPtauUsable, checkPtauFor, readPtauInfo, requiredPower } from '../../src/prover/ptau/ptauInfo.ts';
import { readR1csInfo } from '../../src/prover/r1csInfo.ts';
import { buildFixture, OUT } from './helpers.ts';
// snarkjs internals, to derive the secret key of a beacon contribution (test only).
// @ts-expect-error untyped JavaScript module
import * as ptauUtils from '../../node_modules/snarkjs/src/powersoftau_utils.js';

const DIR = join(OUT, 'ptau');

/** Section id → bytes, from a ptau file. */
function sections(buf: Buffer): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  let p = 12;
  for (let i = 0; i < buf.readUInt32LE(8); i++) {
    const id = buf.readUInt32LE(p);
    const size = Number(buf.readBigUInt64LE(p + 4));
    m.set(id, buf.subarray(p + 12, p + 12 + size));
    p += 12 + size;
  }
  return m;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('prover/ptau: dev ptau', function () {
  this.timeout(300_000);
  before(async () => {
    await rm(DIR, { recursive: true, force: true });
    await mkdir(DIR, { recursive: true });
  });

  it('is byte-identical to snarkjs new + beacon + prepare phase2 with the same τ, α, β (except the contribution record)', async () => {
    const power = 7;
    const snarkjs = await loadSnarkjs();
    const curve = await bn128();
    const beaconHash = '5a4b3c2d1e0f00112233445566778899';
    await snarkjs.powersOfTau.newAccumulator(curve, power, join(DIR, 'sj0.ptau'));
    await snarkjs.powersOfTau.beacon(join(DIR, 'sj0.ptau'), join(DIR, 'sj1.ptau'), 'beacon', beaconHash, 10);
    await snarkjs.powersOfTau.preparePhase2(join(DIR, 'sj1.ptau'), join(DIR, 'sj2.ptau'));
    // The beacon's private key is deterministic: recompute it.
    const challenge = ptauUtils.calculateFirstChallengeHash(curve, power);
    const key = await ptauUtils.keyFromBeacon(curve, challenge, Uint8Array.from(Buffer.from(beaconHash, 'hex')), 10);
    const secrets = { tau: curve.Fr.toObject(key.tau.prvKey), alpha: curve.Fr.toObject(key.alpha.prvKey), beta: curve.Fr.toObject(key.beta.prvKey) };
    await writePtauFromSecrets({ power, file: join(DIR, 'mine.ptau'), secrets });

    const theirs = await readFile(join(DIR, 'sj2.ptau'));
    const mine = await readFile(join(DIR, 'mine.ptau'));
    assert.ok(theirs.subarray(0, 12).equals(mine.subarray(0, 12)), 'magic, version, section count');
    const a = sections(theirs);
    const b = sections(mine);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    assert.deepEqual([...b.keys()], [1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
    for (const id of [1, 2, 3, 4, 5, 6, 12, 13, 14, 15]) {
      assert.ok(a.get(id)?.equals(b.get(id) as Buffer), `section ${id} differs`);
    }
  });

  it('passes `snarkjs powersoftau verify` (contribution, powers and Lagrange sections) and is labelled insecure', async () => {
    const file = join(DIR, 'dev8.ptau');
    const r = await writeDevPtau({ power: 8, file, seed: 'test' });
    assert.equal(r.insecure, true);
    assert.equal(r.sha256, sha(await readFile(file)));
    const snarkjs = await loadSnarkjs();
    const log: string[] = [];
    const logger = { ...recordingLogger((m) => log.push(m)) };
    assert.equal(await snarkjs.powersOfTau.verify(file, logger), true, logger.errors.join('\n'));
    assert.ok(log.some((l) => l.includes(DEV_PTAU_LABEL)), 'snarkjs prints the insecure label');
    const info = await readPtauInfo(file);
    assert.deepEqual([info.power, info.ceremonyPower, info.prepared, info.insecureDev, info.sha256], [8, 8, true, true, r.sha256]);
    assert.deepEqual(info.contributions, [{ type: 0, name: DEV_PTAU_LABEL }]);
  });

  it('is reproducible from a seed, and different without one', async () => {
    const a = await writeDevPtau({ power: 4, file: join(DIR, 'a.ptau'), seed: 'same' });
    const b = await writeDevPtau({ power: 4, file: join(DIR, 'b.ptau'), seed: 'same' });
    const c = await writeDevPtau({ power: 4, file: join(DIR, 'c.ptau') });
    assert.equal(a.sha256, b.sha256);
    assert.notEqual(a.sha256, c.sha256);
  });

  it('rejects impossible powers', async () => {
    await assert.rejects(writeDevPtau({ power: 0, file: join(DIR, 'x.ptau') }), SetupError);
    await assert.rejects(writeDevPtau({ power: 28, file: join(DIR, 'x.ptau') }), SetupError);
  });
});

describe('prover/ptau: ptauInfo', function () {
  this.timeout(300_000);
  let dev6: string;
  let dev5: string;
  before(async () => {
    await mkdir(DIR, { recursive: true });
    dev6 = join(DIR, 'dev6.ptau');
    dev5 = join(DIR, 'dev5.ptau');
    await writeDevPtau({ power: 6, file: dev6, seed: 'six' });
    await writeDevPtau({ power: 5, file: dev5, seed: 'five' });
  });

  it('requiredPower follows snarkjs: the smallest p with 2^p > constraints + public signals', () => {
    assert.equal(requiredPower({ nConstraints: 0, nPubInputs: 0, nOutputs: 0 }), 1);
    assert.equal(requiredPower({ nConstraints: 1, nPubInputs: 0, nOutputs: 0 }), 1);
    assert.equal(requiredPower({ nConstraints: 1, nPubInputs: 0, nOutputs: 1 }), 2);
    assert.equal(requiredPower({ nConstraints: 31, nPubInputs: 0, nOutputs: 1 }), 6);
    assert.equal(requiredPower({ nConstraints: 30, nPubInputs: 0, nOutputs: 1 }), 5);
    assert.equal(requiredPower({ nConstraints: 2 ** 16 - 10, nPubInputs: 4, nOutputs: 5 }), 16);
    assert.equal(requiredPower({ nConstraints: 2 ** 16 - 10, nPubInputs: 5, nOutputs: 5 }), 17);
  });

  it('matches snarkjs at the boundary: 31 constraints + 1 output needs 2^6 (2^5 is refused)', async () => {
    const dir = await buildFixture('chain31', 'chain31', 'private');
    const r1cs = await readR1csInfo(join(dir, 'model.r1cs'));
    assert.equal(r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs, 32);
    assert.equal(requiredPower(r1cs), 6);
    const snarkjs = await loadSnarkjs();
    const small = recordingLogger();
    assert.equal(await snarkjs.zKey.newZKey(join(dir, 'model.r1cs'), dev5, { type: 'mem' }, small), -1);
    assert.match(small.errors.join(), /too big/);
    const ok = await snarkjs.zKey.newZKey(join(dir, 'model.r1cs'), dev6, { type: 'mem' }, recordingLogger());
    assert.ok(ok instanceof Uint8Array);
    // and our check agrees
    await checkPtauFor(dev6, 6);
    await assert.rejects(checkPtauFor(dev5, 6), (e: unknown) => e instanceof SetupError && e.code === 'PTAU_TOO_SMALL');
  });

  it('too small: names the file, both powers and the fix', async () => {
    const info = await readPtauInfo(dev5);
    assert.throws(() => assertPtauUsable(info, 9), (e: unknown) => {
      assert.ok(e instanceof SetupError);
      assert.match(e.message, /dev5\.ptau has power 5/);
      assert.match(e.message, /needs power 9/);
      assert.match(e.fix ?? '', /zkinfer setup --dev/);
      assert.match(e.fix ?? '', /power ≥ 9/);
      return true;
    });
  });

  it('not prepared: says so and how to prepare', async () => {
    const snarkjs = await loadSnarkjs();
    const curve = await bn128();
    const file = join(DIR, 'raw.ptau');
    await snarkjs.powersOfTau.newAccumulator(curve, 6, file);
    const info = await readPtauInfo(file);
    assert.equal(info.prepared, false);
    assert.equal(info.insecureDev, false);
    await assert.rejects(checkPtauFor(file, 6), (e: unknown) => {
      assert.ok(e instanceof SetupError && e.code === 'PTAU_NOT_PREPARED');
      assert.match(e.message, /raw\.ptau \(power 6\) is not prepared/);
      assert.match(e.fix ?? '', /snarkjs powersoftau prepare phase2/);
      return true;
    });
  });

  it('corrupt, truncated or missing files are SetupErrors naming the file', async () => {
    const bytes = await readFile(dev6);
    const truncated = join(DIR, 'truncated.ptau');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 1000));
    await assert.rejects(checkPtauFor(truncated, 6), (e: unknown) => {
      assert.ok(e instanceof SetupError && e.code === 'PTAU_CORRUPT');
      assert.match(e.message, /truncated\.ptau/);
      assert.match(e.message, /truncated/);
      assert.match(e.fix ?? '', /power ≥ 6/);
      return true;
    });
    const garbage = join(DIR, 'garbage.ptau');
    await writeFile(garbage, Buffer.from('this is not a powers of tau file at all'));
    await assert.rejects(readPtauInfo(garbage), (e: unknown) => e instanceof SetupError && e.code === 'PTAU_CORRUPT' && /garbage\.ptau/.test(e.message));
    const badHeader = Buffer.from(bytes);
    badHeader.writeUInt32LE(7, 12 + 12 + 36); // power field of the header section: 6 → 7
    const wrongPower = join(DIR, 'wrongpower.ptau');
    await writeFile(wrongPower, badHeader);
    await assert.rejects(readPtauInfo(wrongPower), (e: unknown) => e instanceof SetupError && /section 2 has/.test(e.message));
    await assert.rejects(readPtauInfo(join(DIR, 'nope.ptau')), (e: unknown) => e instanceof SetupError && e.code === 'PTAU_MISSING');
  });
});
