/**
 * Issue 5, acceptance 3: a committed-weights model on the registry (Hardhat's in-process chain).
 * The digits MLP compiled with --weights committed serves any weights of its architecture, so the
 * registry stores the weights commitment at registration and accepts a proof only when the proof's
 * public commitment equals it: a proof made with other weights (one weight changed) is rejected
 * with WeightsCommitmentMismatch, and accepted by a registration of its own commitment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { network } from 'hardhat';
import { parseEventLogs, type Address, type Hex } from 'viem';
import { modelIdOf, NO_SIGNAL, onnxHash, registryCommitments, registryLayout, vkeyHash, loadBuild } from '../../src/chain/buildInfo.ts';
import { deployRegistry, deployVerifier, registerModel } from '../../src/chain/deploy.ts';
import { encodeProofCalldata } from '../../src/chain/proof.ts';
import { measureVerifyGas } from '../../src/chain/gas.ts';
import { verifyOnChain } from '../../src/chain/verifyOnChain.ts';
import { commitWeights } from '../../src/prover/commitment/buildCommitments.ts';
import { readWeightsFile, weightsFileOf } from '../../src/prover/commitment/weightsFile.ts';
import { Prover, type ProveResult } from '../../src/prover/Prover.ts';
import { fixtureDir, privacyBuild } from '../privacy/builds.ts';

type Conn = Awaited<ReturnType<typeof network.create>>;

describe('ZkInferRegistry: committed-weights model (Hardhat in-process chain)', function () {
  let conn: Conn;
  let buildDir: string;
  let client: { publicClient: any; walletClient: any };
  let registry: Address;
  let verifier: Address;
  let c1: bigint;
  let c2: bigint;
  let r1: ProveResult;
  let r2: ProveResult;
  const id1 = modelIdOf('digits-mlp-committed');
  const id2 = modelIdOf('digits-mlp-committed-other-weights');

  before(async function () {
    this.timeout(900_000);
    const b = await privacyBuild('digits-mlp', { input: 'private', output: 'public', weights: 'committed' });
    buildDir = b.paths.dir;
    const m = b.manifest;
    const w1 = await readWeightsFile(weightsFileOf(buildDir), m);
    const values = [...w1.values];
    values[values.findIndex((v) => v > -100n && v < 100n && v !== 0n)] += 1n;
    const w2 = { values, salt: w1.salt };
    c1 = (await commitWeights(m, w1)).value;
    c2 = (await commitWeights(m, w2)).value;
    const x = JSON.parse(readFileSync(`${fixtureDir('digits-mlp')}/input.json`, 'utf8'));
    const prover = await Prover.load(buildDir);
    try {
      r1 = await prover.prove(x);
      r2 = await prover.prove(x, { weights: w2 });
    } finally {
      await prover.close();
    }
    conn = await network.create();
    const publicClient = await conn.viem.getPublicClient();
    const [walletClient] = await conn.viem.getWalletClients();
    client = { publicClient, walletClient };
    registry = (await deployRegistry({ client })).address;
    const v = await deployVerifier({ client, buildDir });
    verifier = v.address;
    await registerModel({ client, buildDir, registry, verifier: v.address, modelId: 'digits-mlp-committed' });
    await registerModel({ client, buildDir, registry, verifier: v.address, modelId: 'digits-mlp-committed-other-weights', weightsCommitment: c2 });
  });

  it('stores the weights commitment of the build at registration (registerModelWithCommitments)', async function () {
    const reg = await conn.viem.getContractAt('ZkInferRegistry', registry);
    const m = (await reg.read.getModel([id1])) as { commitments: { inputSignal: number; outputSignal: number; weightsSignal: number; weights: bigint } };
    const build = await loadBuild(buildDir);
    const ws = build.manifest.publicSignals.groups.find((g) => g.role === 'weightsCommitment')!.firstSignal;
    assert.deepEqual({ ...m.commitments }, { inputSignal: NO_SIGNAL, outputSignal: NO_SIGNAL, weightsSignal: ws, weights: c1 });
    assert.equal(r1.publicSignals[ws], c1.toString());
    assert.equal(r2.publicSignals[ws], c2.toString());
  });

  it('accepts a proof for the registered commitment, with the outputs the prover decoded', async function () {
    const ok = await verifyOnChain({ client, buildDir, proof: r1.proof, publicSignals: r1.publicSignals, address: registry, modelId: 'digits-mlp-committed' });
    assert.equal(ok.valid, true);
    assert.deepEqual(ok.outputs, r1.outputs.flatMap((t) => t.values));
    const sub = await verifyOnChain({ client, buildDir, proof: r1.proof, publicSignals: r1.publicSignals, address: registry, modelId: 'digits-mlp-committed', submit: true });
    assert.equal(sub.valid, true);
    const reg = await conn.viem.getContractAt('ZkInferRegistry', registry);
    const receipt = await client.publicClient.getTransactionReceipt({ hash: sub.txHash! });
    const [ev] = parseEventLogs({ abi: reg.abi, logs: receipt.logs, eventName: 'InferenceCommitments' }) as unknown as Array<{ args: { modelId: Hex; weightsCommitment: bigint; inputCommitment: bigint } }>;
    assert.equal(ev.args.modelId, id1);
    assert.equal(ev.args.weightsCommitment, c1);
    assert.equal(ev.args.inputCommitment, 0n);
  });

  it('rejects a valid proof made with other weights (WeightsCommitmentMismatch), which their own registration accepts', async function () {
    const bad = await verifyOnChain({ client, buildDir, proof: r2.proof, publicSignals: r2.publicSignals, address: registry, modelId: 'digits-mlp-committed' });
    assert.deepEqual({ valid: bad.valid, reason: bad.reason }, { valid: false, reason: 'WeightsCommitmentMismatch' });
    const reg = await conn.viem.getContractAt('ZkInferRegistry', registry);
    const cd = encodeProofCalldata(r2.proof, r2.publicSignals);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(
      reg.write.submitInference([id1, { a: cd.a, b: cd.b, c: cd.c }, [...cd.publicSignals]]), reg, 'WeightsCommitmentMismatch', [id1, c1, c2]);
    const other = await verifyOnChain({ client, buildDir, proof: r2.proof, publicSignals: r2.publicSignals, address: registry, modelId: 'digits-mlp-committed-other-weights' });
    assert.equal(other.valid, true, 'the registration of the other commitment accepts it');
    const first = await verifyOnChain({ client, buildDir, proof: r1.proof, publicSignals: r1.publicSignals, address: registry, modelId: 'digits-mlp-committed-other-weights' });
    assert.deepEqual({ valid: first.valid, reason: first.reason }, { valid: false, reason: 'WeightsCommitmentMismatch' });
    // A proof's commitment swapped for the registered one is not a valid proof.
    const swapped = r2.publicSignals.map((s) => (s === c2.toString() ? c1.toString() : s));
    const forged = await verifyOnChain({ client, buildDir, proof: r2.proof, publicSignals: swapped, address: registry, modelId: 'digits-mlp-committed' });
    assert.deepEqual({ valid: forged.valid, reason: forged.reason }, { valid: false, reason: 'InvalidProof' });
  });

  it('gas: the weights commitment check costs little next to the pairing (printed)', async function () {
    const gas = await measureVerifyGas({ client, proof: r1.proof, publicSignals: r1.publicSignals, verifier, registry, modelId: 'digits-mlp-committed' });
    console.log(`      committed-weights MLP (${r1.publicSignals.length} public signals): bare verifier ${gas.verifier} gas, registry ${gas.registry} gas`);
    assert.ok(gas.registry! > gas.verifier! && gas.registry! < 400_000n);
  });

  it('refuses malformed commitment registrations (InvalidCommitments)', async function () {
    const reg = await conn.viem.getContractAt('ZkInferRegistry', registry);
    const build = await loadBuild(buildDir);
    const layout = registryLayout(build.manifest);
    const c = registryCommitments(build.manifest, c1)!;
    const v = await deployVerifier({ client, buildDir });
    const vk = await vkeyHash(build);
    const attempt = (name: string, commitments: typeof c) =>
      reg.write.registerModelWithCommitments([modelIdOf(name), v.address, onnxHash(build), vk, BigInt(layout.publicSignals), layout.outputs, layout.inputs, commitments]);
    for (const [name, bad] of [
      ['inside-output-group', { ...c, weightsSignal: 0 }],
      ['out-of-range', { ...c, weightsSignal: layout.publicSignals }],
      ['not-a-field-element', { ...c, weights: 2n ** 255n }],
      ['value-without-signal', { ...c, weightsSignal: NO_SIGNAL }],
      ['repeated', { ...c, inputSignal: c.weightsSignal }],
    ] as const) {
      await conn.viem.assertions.revertWithCustomError(attempt(name, bad), reg, 'InvalidCommitments');
    }
  });
});
