import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, ProofError, SetupError } from '../../src/errors.ts';
import type { Manifest } from '../../src/manifest.ts';
import { buildPaths } from '../../src/paths.ts';
import { loadBuild } from '../../src/prover/artifacts.ts';
import { beacon } from '../../src/prover/beacon.ts';
import { contribute } from '../../src/prover/contribute.ts';
import { writeDevPtau } from '../../src/prover/ptau/devPtau.ts';
import { BN128_Q, BN128_R } from '../../src/prover/ptau/ptauFormat.ts';
import { readProofFile, writeProofFile } from '../../src/prover/proofFile.ts';
import { Prover, prove } from '../../src/prover/Prover.ts';
import { setup } from '../../src/prover/setup.ts';
import { verify, verifyProofFile } from '../../src/prover/verify.ts';
import { verifySetup } from '../../src/prover/verifySetup.ts';
import { buildFixture, OUT, reference } from './helpers.ts';

const x = [0.5, -1, 2.25, 7.9375];
const q = [8n, -16n, 36n, 127n];
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('prover: setup → prove → verify (private inputs)', function () {
  this.timeout(300_000);
  let dir: string;
  let prover: Prover;

  before(async () => {
    dir = await buildFixture('tiny_private', 'roundtrip-private', 'private');
    const r = await setup({ buildDir: dir, dev: true, devSeed: 'roundtrip' });
    assert.equal(r.ptau.origin, 'dev');
    assert.equal(r.ptau.insecure, true);
    assert.equal(r.requiredPower, 6); // 33 constraints + 3 outputs
    assert.equal(r.contributions, 1);
    prover = await Prover.load(dir);
  });
  after(async () => prover?.close());

  it('records the setup in the manifest with matching hashes', async () => {
    const { manifest, paths } = await loadBuild(dir, { needSetup: true, artifacts: ['r1cs', 'zkey', 'vkey', 'verifierSol'] });
    assert.deepEqual(Object.keys(manifest.setup ?? {}).sort(), ['contributions', 'ptau', 'vkeySha256', 'zkeySha256']);
    assert.equal(manifest.setup?.ptau.path, 'dev.ptau');
    assert.match(await readFile(paths.verifierSol, 'utf8'), /contract Groth16Verifier/);
    const leftovers = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  it('proves and verifies; outputs decode to the reference values', async () => {
    const r = await prover.prove([x]);
    const ref = reference(q);
    assert.deepEqual(r.outputs.map((o) => o.name), ['y', 'z']);
    assert.deepEqual(r.outputs[0].values, ref.y);
    assert.deepEqual(r.outputs[1].values, ref.z);
    assert.deepEqual(r.outputs[1].real, ref.z.map(Number));
    assert.equal(r.outputs[0].real[0], Number(ref.y[0]) / 16);
    assert.equal(r.publicSignals.length, 3);
    const v = await verify(dir, r.proof, r.publicSignals);
    assert.equal(v.valid, true);
    assert.deepEqual(v.outputs?.[1].values, ref.z);
  });

  it('proves many inputs with one Prover, from floats or encoded signals', async () => {
    const inputs = [[-8, 7.9375, 0, 0.0625], [1, 1, 1, 1]];
    const results = await Promise.all(inputs.map((i) => prover.prove(i)));
    for (const [k, r] of results.entries()) {
      const qk = inputs[k].map((v) => BigInt(Math.round(v * 16)));
      assert.deepEqual(r.outputs[1].values, reference(qk).z);
      assert.equal((await verify(dir, r.proof, r.publicSignals)).valid, true);
    }
    const enc = await prover.prove({ in: q });
    assert.deepEqual(enc.outputs[0].values, reference(q).y);
    // one-shot helper
    const once = await prove(dir, { x: [x] });
    assert.deepEqual(once.publicSignals, enc.publicSignals);
  });

  it('a witness the circuit rejects is a ProofError, not a crash', async () => {
    await assert.rejects(prover.prove({ in: [200n, 0n, 0n, 0n] }), (e: unknown) => e instanceof ProofError && e.code === 'WITNESS_FAILED');
  });

  it('tampered proofs and public signals fail', async () => {
    const r = await prover.prove([x]);
    // one coordinate changed: off the curve → rejected before pairing
    const offCurve = clone(r.proof);
    offCurve.pi_a[0] = (BigInt(offCurve.pi_a[0]) + 1n).toString();
    await assert.rejects(verify(dir, offCurve, r.publicSignals), (e: unknown) => e instanceof ProofError && e.code === 'PROOF_NOT_ON_CURVE');
    // still on the curve (−π_A) → does not verify
    const negated = clone(r.proof);
    negated.pi_a[1] = (BN128_Q - BigInt(negated.pi_a[1])).toString();
    assert.equal((await verify(dir, negated, r.publicSignals)).valid, false);
    // π_C from another proof
    const other = await prover.prove([[1, 2, 3, 4]]);
    const mixed = { ...clone(r.proof), pi_c: other.proof.pi_c };
    assert.equal((await verify(dir, mixed, r.publicSignals)).valid, false);
    // a public signal changed within range: decodes, but the proof does not verify
    const signals = [...r.publicSignals];
    signals[2] = (BigInt(signals[2]) + 1n).toString();
    const v = await verify(dir, r.proof, signals);
    assert.equal(v.valid, false);
    assert.equal(v.outputs, null);
    // another valid proof's signals
    assert.equal((await verify(dir, r.proof, other.publicSignals)).valid, false);
  });

  it('malformed proofs and signals are ProofErrors with messages', async () => {
    const r = await prover.prove([x]);
    const bad = async (proof: unknown, signals: unknown, code: string): Promise<void> => {
      await assert.rejects(verify(dir, proof, signals), (e: unknown) => {
        assert.ok(e instanceof ProofError, String(e));
        assert.equal(e.code, code, e.message);
        return true;
      });
    };
    await bad(r.proof, r.publicSignals.slice(1), 'PUBLIC_SIGNALS_LENGTH');
    await bad(r.proof, [...r.publicSignals.slice(0, 2), BN128_R.toString()], 'PUBLIC_SIGNAL_RANGE');
    await bad(r.proof, [...r.publicSignals.slice(0, 2), (1n << 200n).toString()], 'PUBLIC_SIGNAL_RANGE'); // bits above the packed slots
    await bad(r.proof, [...r.publicSignals.slice(0, 2), '-1'], 'PUBLIC_SIGNALS_FORMAT');
    await bad({ ...r.proof, pi_a: ['1', '2'] }, r.publicSignals, 'PROOF_MALFORMED');
    await bad({ ...r.proof, pi_b: 'x' }, r.publicSignals, 'PROOF_MALFORMED');
    await bad({ ...r.proof, pi_a: [BN128_Q.toString(), '2', '1'] }, r.publicSignals, 'PROOF_MALFORMED');
    await bad({ ...r.proof, pi_c: ['1', '3', '1'] }, r.publicSignals, 'PROOF_NOT_ON_CURVE');
    // (1, 2) is the G1 generator: well-formed, but not this proof's π_C
    assert.equal((await verify(dir, { ...r.proof, pi_c: ['1', '2', '1'] }, r.publicSignals)).valid, false);
  });

  it('proof files round-trip; malformed files and a different verification key are ProofErrors', async () => {
    const r = await prover.prove([x]);
    const file = join(OUT, 'roundtrip-private-proof.json');
    await writeProofFile(file, prover.proofFile(r));
    const v = await verifyProofFile(dir, file);
    assert.equal(v.valid, true);
    assert.deepEqual(v.outputs?.[0].values, reference(q).y);
    const pf = await readProofFile(file);
    const write = async (content: string): Promise<string> => {
      const f = join(OUT, 'roundtrip-bad-proof.json');
      await writeFile(f, content);
      return f;
    };
    const rejects = async (content: string, code: string, re?: RegExp): Promise<void> => {
      await assert.rejects(verifyProofFile(dir, await write(content)), (e: unknown) => {
        assert.ok(e instanceof ProofError, String(e));
        assert.equal(e.code, code, e.message);
        if (re) assert.match(e.message, re);
        assert.ok(!/\n\s+at /.test(e.message), 'no stack trace in the message');
        return true;
      });
    };
    await rejects('{ "proof": ', 'PROOF_FILE_INVALID', /not valid JSON/);
    await rejects(JSON.stringify({ ...pf, proof: undefined }), 'PROOF_FILE_INVALID', /missing "proof"/);
    await rejects(JSON.stringify({ ...pf, model: undefined }), 'PROOF_FILE_INVALID', /model/);
    await rejects(JSON.stringify({ ...pf, publicSignals: pf.publicSignals.slice(0, 2) }), 'PUBLIC_SIGNALS_LENGTH');
    await rejects(JSON.stringify({ ...pf, model: { ...pf.model, vkeySha256: 'ab'.repeat(32) } }), 'PROOF_VKEY_MISMATCH', /same model, different trusted setup/);
    const tampered = clone(pf);
    tampered.proof.pi_b[0][0] = (BigInt(tampered.proof.pi_b[0][0]) + 1n).toString();
    await rejects(JSON.stringify(tampered), 'PROOF_NOT_ON_CURVE');
    await assert.rejects(verifyProofFile(dir, join(OUT, 'missing-proof.json')), (e: unknown) => e instanceof ProofError && e.code === 'PROOF_FILE_MISSING');
  });

  it('verifySetup accepts the setup', async () => {
    const v = await verifySetup({ buildDir: dir });
    assert.equal(v.valid, true, v.errors.join('\n'));
    assert.equal(v.insecure, true);
  });
});

describe('prover: public inputs', function () {
  this.timeout(300_000);
  it('packs public inputs into inPacked and decodes them from the proof', async () => {
    const dir = await buildFixture('tiny_public', 'roundtrip-public', 'public');
    await setup({ buildDir: dir, dev: true, devSeed: 'public' });
    const prover = await Prover.load(dir);
    try {
      const r = await prover.prove({ x: [x] });
      assert.equal(r.publicSignals.length, 4);
      assert.deepEqual(r.inputs[0].values, q);
      assert.deepEqual(r.inputs[0].real, x);
      assert.deepEqual(r.outputs[1].values, reference(q).z);
      const v = await verify(dir, r.proof, r.publicSignals);
      assert.equal(v.valid, true);
      assert.deepEqual(v.inputs?.[0].values, q);
      // claiming a different public input does not verify
      const other = [...r.publicSignals];
      other[3] = (BigInt(other[3]) ^ 1n).toString();
      assert.equal((await verify(dir, r.proof, other)).valid, false);
    } finally {
      await prover.close();
    }
  });
});

describe('prover: artifacts and setup failures', function () {
  this.timeout(300_000);
  it('setup with a too-small ptau fails with a SetupError and leaves the build untouched', async () => {
    const dir = await buildFixture('tiny_private', 'failing-setup', 'private');
    const small = join(OUT, 'failing-setup-5.ptau');
    await writeDevPtau({ power: 5, file: small, seed: 'small' });
    const before = (await readdir(dir)).sort();
    const manifestBefore = await readFile(buildPaths(dir).manifest, 'utf8');
    await assert.rejects(setup({ buildDir: dir, ptau: small }), (e: unknown) => {
      assert.ok(e instanceof SetupError && e.code === 'PTAU_TOO_SMALL');
      assert.match(e.message, /power 5/);
      assert.match(e.message, /needs power 6/);
      return true;
    });
    await assert.rejects(setup({ buildDir: dir }), (e: unknown) => e instanceof SetupError && /--dev/.test(e.fix ?? ''));
    assert.deepEqual((await readdir(dir)).sort(), before);
    assert.equal(await readFile(buildPaths(dir).manifest, 'utf8'), manifestBefore);
    // a ptau file of the right size works; it is recorded as a file, and as insecure since it carries the dev label
    const big = join(OUT, 'failing-setup-6.ptau');
    await writeDevPtau({ power: 6, file: big, seed: 'big' });
    const r = await setup({ buildDir: dir, ptau: big });
    assert.equal(r.ptau.origin, 'file');
    assert.equal(r.ptau.insecure, true);
    assert.equal(r.ptau.path, big);
  });

  it('hash mismatches and missing files name the file and the command that regenerates it', async () => {
    const dir = await buildFixture('tiny_private', 'corrupt', 'private');
    await assert.rejects(Prover.load(dir), (e: unknown) => e instanceof ArtifactError && e.code === 'SETUP_MISSING' && /zkinfer setup/.test(e.fix ?? ''));
    await setup({ buildDir: dir, dev: true, devSeed: 'corrupt' });
    const paths = buildPaths(dir);
    const zkey = await readFile(paths.zkey);
    const flipped = Buffer.from(zkey);
    flipped[flipped.length - 100] ^= 1;
    await writeFile(paths.zkey, flipped);
    await assert.rejects(Prover.load(dir), (e: unknown) => {
      assert.ok(e instanceof ArtifactError && e.code === 'ARTIFACT_HASH_MISMATCH');
      assert.match(e.message, /model\.zkey/);
      assert.match(e.fix ?? '', /zkinfer setup/);
      return true;
    });
    await writeFile(paths.zkey, zkey);
    const vkey = await readFile(paths.vkey, 'utf8');
    await writeFile(paths.vkey, vkey.replace('"nPublic": 3', '"nPublic": 4'));
    await assert.rejects(verify(dir, {}, []), (e: unknown) => e instanceof ArtifactError && /verification_key\.json/.test(e.message));
    await writeFile(paths.vkey, vkey);
    const r1cs = await readFile(paths.r1cs);
    await writeFile(paths.r1cs, Buffer.concat([r1cs, Buffer.from([0])]));
    await assert.rejects(setup({ buildDir: dir, dev: true }), (e: unknown) => e instanceof ArtifactError && /model\.r1cs/.test(e.message) && /zkinfer compile/.test(e.fix ?? ''));
    await writeFile(paths.r1cs, r1cs);
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as Manifest;
    await writeFile(paths.manifest, '{ not json');
    await assert.rejects(loadBuild(dir), (e: unknown) => e instanceof ArtifactError && e.code === 'MANIFEST_INVALID');
    await writeFile(paths.manifest, JSON.stringify(manifest));
    await assert.rejects(loadBuild(join(OUT, 'no-such-build')), (e: unknown) => e instanceof ArtifactError && e.code === 'MANIFEST_MISSING' && /zkinfer compile/.test(e.fix ?? ''));
    // intact again
    const p = await Prover.load(dir);
    await p.close();
  });
});

describe('prover: phase-2 ceremony', function () {
  this.timeout(300_000);
  it('contribute and beacon update zkey, keys and manifest; old proofs need the old key', async () => {
    const dir = await buildFixture('tiny_private', 'ceremony', 'private');
    await setup({ buildDir: dir, dev: true, devSeed: 'ceremony' });
    const first = await prove(dir, [x]);
    const firstFile = (await loadBuild(dir)).manifest;
    const proofFile = { proof: first.proof, publicSignals: first.publicSignals, model: { name: firstFile.name, onnxSha256: firstFile.onnx.sha256, vkeySha256: firstFile.setup?.vkeySha256 as string } };

    const c = await contribute({ buildDir: dir, name: 'alice', entropy: 'alice entropy' });
    assert.equal(c.contributions, 2);
    assert.notEqual(c.vkeySha256, firstFile.setup?.vkeySha256);
    const b = await beacon({ buildDir: dir, beaconHash: '0x' + 'ab'.repeat(32), iterationsExp: 10 });
    assert.equal(b.contributions, 3);
    await assert.rejects(beacon({ buildDir: dir, beaconHash: 'xyz' }), SetupError);

    const { manifest } = await loadBuild(dir, { needSetup: true });
    assert.equal(manifest.setup?.contributions, 3);
    assert.equal(manifest.setup?.vkeySha256, b.vkeySha256);
    // the old proof's key no longer matches the build
    await assert.rejects(verifyProofFile(dir, proofFile), (e: unknown) => e instanceof ProofError && e.code === 'PROOF_VKEY_MISMATCH');
    // and its proof does not verify under the new key either
    assert.equal((await verify(dir, first.proof, first.publicSignals)).valid, false);
    const again = await prove(dir, [x]);
    assert.equal((await verify(dir, again.proof, again.publicSignals)).valid, true);
    const vs = await verifySetup({ buildDir: dir });
    assert.equal(vs.valid, true, vs.errors.join('\n'));
    assert.ok(vs.log.some((l) => l.includes('alice')));
  });
});
