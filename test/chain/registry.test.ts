/**
 * ZkInferRegistry + per-model snarkjs verifiers on Hardhat's in-process chain, with real Groth16 proofs of the
 * fixture circuits: accepted proofs emit the outputs the off-chain verifier and the TypeScript decoder see;
 * tampered proofs, wrong / out-of-field / non-canonical signals, unknown and replaced models are rejected
 * with their custom errors. Prints the gas of verifying through the bare verifier and through the registry.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { network } from 'hardhat';
import { keccak256, parseEventLogs, toBytes, type Address, type Hex } from 'viem';
import { modelIdOf, onnxHash, registryLayout, vkeyHash, loadBuild } from '../../src/chain/buildInfo.ts';
import { decodePublicSignals } from '../../src/prover/publicSignals.ts';
import { encodeProofCalldata, type ProofCalldata } from '../../src/chain/proof.ts';
import { measureVerifyGas } from '../../src/chain/gas.ts';
import { deployVerifier, registerModel } from '../../src/chain/deploy.ts';
import { verifyOnChain } from '../../src/chain/verifyOnChain.ts';
import { ChainError } from '../../src/errors.ts';
import { snarkjs } from './fixtures/buildFixture.ts';
import { chainFixtures, type ChainFixture } from './fixtures/chainFixtures.ts';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

type Conn = Awaited<ReturnType<typeof network.create>>;

describe('ZkInferRegistry with snarkjs Groth16 verifiers (Hardhat in-process chain)', function () {
  let conn: Conn;
  let fx: Record<'mlp10' | 'pubin', ChainFixture>;
  let registry: Awaited<ReturnType<Conn['viem']['deployContract']>>;
  const verifiers: Record<string, Address> = {};
  const ids: Record<string, Hex> = {};
  const proofs: Record<string, { x: bigint[]; proof: any; publicSignals: string[]; cd: ProofCalldata }> = {};
  let owner: Address;

  const inputs = { mlp10: [1n, 200n, 3n, 255n], pubin: [-128n, 127n, 5n, -7n] };

  const args = (id: Hex, cd: ProofCalldata, signals: readonly bigint[] = cd.publicSignals) =>
    [id, { a: cd.a, b: cd.b, c: cd.c }, [...signals]] as const;

  async function register(name: 'mlp10' | 'pubin', id: Hex, verifier: Address) {
    const build = await loadBuild(fx[name].buildDir);
    const layout = registryLayout(build.manifest);
    return registry.write.registerModel([
      id, verifier, onnxHash(build), await vkeyHash(build), BigInt(layout.publicSignals), layout.outputs, layout.inputs,
    ]);
  }

  before(async function () {
    fx = await chainFixtures();
    conn = await network.create();
    const [wallet] = await conn.viem.getWalletClients();
    owner = wallet.account.address;
    registry = await conn.viem.deployContract('ZkInferRegistry', [owner]);
    for (const name of ['mlp10', 'pubin'] as const) {
      const v = await conn.viem.deployContract(fx[name].contractName);
      verifiers[name] = v.address;
      ids[name] = modelIdOf(name);
      await register(name, ids[name], v.address);
      const x = inputs[name];
      const { proof, publicSignals } = await fx[name].prove(x);
      proofs[name] = { x, proof, publicSignals, cd: encodeProofCalldata(proof, publicSignals) };
    }
  });

  for (const name of ['mlp10', 'pubin'] as const) {
    it(`${name}: a real proof is accepted; the event carries the outputs the off-chain verifier and the TypeScript decoder see`, async function () {
      const { x, proof, publicSignals, cd } = proofs[name];
      const vkey = JSON.parse(await readFile(`${fx[name].buildDir}/verification_key.json`, 'utf8'));
      assert.equal(await snarkjs.groth16.verify(vkey, publicSignals, proof), true, 'off-chain verification');
      // The TypeScript codec (src/prover/publicSignals.ts), as the off-chain verify path decodes.
      const decoded = decodePublicSignals(fx[name].manifest, publicSignals);
      const tsOutputs = decoded.outputs.flatMap((t) => t.values);
      assert.deepEqual(tsOutputs, fx[name].spec.outputs(x), 'TypeScript decoder = circuit semantics');

      const hash = await registry.write.submitInference(args(ids[name], cd));
      const publicClient = await conn.viem.getPublicClient();
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const [ev] = parseEventLogs({ abi: registry.abi, logs: receipt.logs, eventName: 'InferenceVerified' });
      assert.ok(ev, 'InferenceVerified emitted');
      const e = (ev as unknown as { args: unknown }).args as { modelId: Hex; submitter: Address; outputs: readonly bigint[]; inputs: readonly bigint[] };
      assert.equal(e.modelId, ids[name]);
      assert.equal(e.submitter.toLowerCase(), owner.toLowerCase());
      assert.deepEqual([...e.outputs], tsOutputs);
      assert.deepEqual([...e.inputs], name === 'pubin' ? x : []);
      assert.deepEqual([...e.inputs], decoded.inputs.flatMap((t) => t.values));

      const [outs] = (await registry.read.verifyInference(args(ids[name], cd))) as [readonly bigint[], readonly bigint[]];
      assert.deepEqual([...outs], tsOutputs, 'verifyInference (eth_call) decodes the same');
      const bare = conn.viem.getContractAt(fx[name].contractName, verifiers[name]);
      assert.equal(await (await bare).read.verifyProof([cd.a, cd.b, cd.c, cd.publicSignals]), true, 'bare verifier');
    });
  }

  it('rejects a tampered proof (InvalidProof): a coordinate changed, or c taken from another proof', async function () {
    const { cd } = proofs.mlp10;
    const notOnCurve = { ...cd, a: [cd.a[0] + 1n, cd.a[1]] as const };
    await conn.viem.assertions.revertWithCustomErrorWithArgs(registry.write.submitInference(args(ids.mlp10, notOnCurve)), registry, 'InvalidProof', [ids.mlp10]);
    const other = await fx.mlp10.prove([9n, 8n, 7n, 6n]);
    const mixed = { ...cd, c: encodeProofCalldata(other.proof, other.publicSignals).c };
    await conn.viem.assertions.revertWithCustomErrorWithArgs(registry.write.submitInference(args(ids.mlp10, mixed)), registry, 'InvalidProof', [ids.mlp10]);
    // Another valid proof is not valid for these signals either.
    const otherCd = encodeProofCalldata(other.proof, other.publicSignals);
    await conn.viem.assertions.revertWithCustomError(registry.write.submitInference(args(ids.mlp10, otherCd, cd.publicSignals)), registry, 'InvalidProof');
  });

  it('rejects a wrong public signal (InvalidProof): one output changed by 1, or a public input changed', async function () {
    const { cd } = proofs.mlp10;
    await conn.viem.assertions.revertWithCustomError(registry.write.submitInference(args(ids.mlp10, cd, [cd.publicSignals[0] + 1n])), registry, 'InvalidProof');
    const p = proofs.pubin.cd;
    const s = [...p.publicSignals];
    s[3] ^= 1n; // first public input value changed by ±1, still canonical
    await conn.viem.assertions.revertWithCustomError(registry.write.submitInference(args(ids.pubin, p, s)), registry, 'InvalidProof');
  });

  it('rejects an out-of-field signal (SignalNotInField) — s + p would alias s inside the circuit', async function () {
    const { cd } = proofs.mlp10;
    await conn.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.submitInference(args(ids.mlp10, cd, [cd.publicSignals[0] + P])), registry, 'SignalNotInField', [0n]);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.submitInference(args(ids.mlp10, cd, [(1n << 256n) - 1n])), registry, 'SignalNotInField', [0n]);
  });

  it('rejects a non-canonical packed signal (NonCanonicalSignal) and a wrong signal count (WrongSignalCount)', async function () {
    const p = proofs.pubin.cd;
    const s = [...p.publicSignals];
    s[3] += 1n << 32n; // the packed public input holds 4 × 8 bits
    await conn.viem.assertions.revertWithCustomErrorWithArgs(registry.write.submitInference(args(ids.pubin, p, s)), registry, 'NonCanonicalSignal', [3n]);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.submitInference(args(ids.pubin, p, p.publicSignals.slice(0, 3))), registry, 'WrongSignalCount', [ids.pubin, 4n, 3n]);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.submitInference(args(ids.mlp10, proofs.mlp10.cd, [...proofs.mlp10.cd.publicSignals, 0n])), registry, 'WrongSignalCount', [ids.mlp10, 1n, 2n]);
  });

  it('rejects an unknown model (UnknownModel)', async function () {
    const unknown = keccak256(toBytes('no-such-model'));
    await conn.viem.assertions.revertWithCustomErrorWithArgs(registry.write.submitInference(args(unknown, proofs.mlp10.cd)), registry, 'UnknownModel', [unknown]);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(registry.read.getModel([unknown]), registry, 'UnknownModel', [unknown]);
  });

  it('never replaces a registered model (ModelAlreadyRegistered), even with another verifier', async function () {
    await conn.viem.assertions.revertWithCustomErrorWithArgs(register('mlp10', ids.mlp10, verifiers.mlp10), registry, 'ModelAlreadyRegistered', [ids.mlp10]);
    await conn.viem.assertions.revertWithCustomErrorWithArgs(register('pubin', ids.mlp10, verifiers.pubin), registry, 'ModelAlreadyRegistered', [ids.mlp10]);
    const m = (await registry.read.getModel([ids.mlp10])) as { verifier: Address; publicSignals: number };
    assert.equal(m.verifier.toLowerCase(), verifiers.mlp10.toLowerCase());
  });

  it('checks registrations: owner only, verifier must be a contract answering for N signals, layout must fit', async function () {
    const [, stranger] = await conn.viem.getWalletClients();
    const build = await loadBuild(fx.mlp10.buildDir);
    const layout = registryLayout(build.manifest);
    const id = modelIdOf('fresh');
    const reg = (verifier: Address, n: bigint, outputs = layout.outputs, account?: typeof stranger) =>
      registry.write.registerModel([id, verifier, onnxHash(build), modelIdOf('vk'), n, outputs, layout.inputs], account ? { account: account.account } : {});
    await conn.viem.assertions.revertWithCustomErrorWithArgs(reg(verifiers.mlp10, 1n, layout.outputs, stranger), registry, 'NotOwner', [stranger.account.address]);
    await conn.viem.assertions.revertWithCustomError(reg(stranger.account.address, 1n), registry, 'NotAContract');
    // The pubin verifier takes 4 signals, not 1.
    await conn.viem.assertions.revertWithCustomErrorWithArgs(reg(verifiers.pubin, 1n), registry, 'VerifierMismatch', [verifiers.pubin, 1n]);
    await conn.viem.assertions.revertWithCustomError(reg(verifiers.mlp10, 1n, [{ ...layout.outputs[0], count: 20 }]), registry, 'GroupOutOfRange');
    await conn.viem.assertions.revertWithCustomError(reg(verifiers.mlp10, 1n, [{ ...layout.outputs[0], bits: 30 }]), registry, 'InvalidGroup');
    await conn.viem.assertions.revertWithCustomError(reg(verifiers.mlp10, 1n, [layout.outputs[0], layout.outputs[0]]), registry, 'GroupsOverlap');
    await conn.viem.assertions.revertWithCustomError(reg(verifiers.mlp10, 0n, []), registry, 'InvalidPublicSignalCount');
  });

  it('a retired model rejects submissions (ModelIsRetired) and its id stays taken', async function () {
    const id = modelIdOf('to-retire');
    await register('mlp10', id, verifiers.mlp10);
    await registry.write.submitInference(args(id, proofs.mlp10.cd));
    await conn.viem.assertions.emitWithArgs(registry.write.retireModel([id]), registry, 'ModelRetired', [id]);
    await conn.viem.assertions.revertWithCustomError(registry.write.submitInference(args(id, proofs.mlp10.cd)), registry, 'ModelIsRetired');
    await conn.viem.assertions.revertWithCustomError(register('mlp10', id, verifiers.mlp10), registry, 'ModelAlreadyRegistered');
  });

  it('library path: deployVerifier (solc-js) + registerModel + verifyOnChain give the same answers as Hardhat-compiled contracts', async function () {
    const publicClient = await conn.viem.getPublicClient();
    const [walletClient] = await conn.viem.getWalletClients();
    const client = { publicClient, walletClient };
    const v = await deployVerifier({ client, buildDir: fx.pubin.buildDir });
    assert.equal(v.contractName, 'PubinVerifier');
    const { modelId } = await registerModel({ client, buildDir: fx.pubin.buildDir, registry: registry.address, verifier: v.address, modelId: 'pubin-v2' });
    assert.equal(modelId, modelIdOf('pubin-v2'));
    const { proof, publicSignals, x } = proofs.pubin;
    const viaReg = await verifyOnChain({ client, buildDir: fx.pubin.buildDir, proof, publicSignals, address: registry.address, modelId: 'pubin-v2' });
    assert.equal(viaReg.valid, true);
    assert.equal(viaReg.via, 'registry');
    assert.deepEqual(viaReg.outputs, fx.pubin.spec.outputs(x));
    assert.deepEqual(viaReg.inputs, x);
    const viaBare = await verifyOnChain({ client, buildDir: fx.pubin.buildDir, proof, publicSignals, address: v.address });
    assert.deepEqual({ valid: viaBare.valid, via: viaBare.via, outputs: viaBare.outputs }, { valid: true, via: 'verifier', outputs: viaReg.outputs });
    const bad = [...publicSignals];
    bad[0] = String(BigInt(bad[0]) + 1n);
    const rejected = await verifyOnChain({ client, buildDir: fx.pubin.buildDir, proof, publicSignals: bad, address: registry.address, modelId: 'pubin-v2' });
    assert.deepEqual({ valid: rejected.valid, reason: rejected.reason }, { valid: false, reason: 'InvalidProof' });
    const rejectedBare = await verifyOnChain({ client, buildDir: fx.pubin.buildDir, proof, publicSignals: bad, address: v.address });
    assert.deepEqual({ valid: rejectedBare.valid, reason: rejectedBare.reason }, { valid: false, reason: 'InvalidProof' });
    const submitted = await verifyOnChain({ client, buildDir: fx.pubin.buildDir, proof, publicSignals, address: registry.address, modelId: 'pubin-v2', submit: true });
    assert.equal(submitted.valid, true);
    assert.ok(submitted.txHash);
    assert.deepEqual(submitted.outputs, viaReg.outputs);
    // A revert is reported by its custom error name.
    await assert.rejects(
      registerModel({ client, buildDir: fx.pubin.buildDir, registry: registry.address, verifier: v.address, modelId: 'pubin-v2' }),
      (e: unknown) => e instanceof ChainError && e.code === 'CHAIN_REVERTED' && e.details?.errorName === 'ModelAlreadyRegistered' && /ModelAlreadyRegistered\(0x/.test(e.message),
    );
  });

  it('gas: verifying through the bare verifier and through the registry (printed)', async function () {
    const publicClient = await conn.viem.getPublicClient();
    const [walletClient] = await conn.viem.getWalletClients();
    const rows: string[] = [];
    for (const name of ['mlp10', 'pubin'] as const) {
      const { proof, publicSignals } = proofs[name];
      const gas = await measureVerifyGas({
        client: { publicClient, walletClient }, proof, publicSignals, verifier: verifiers[name], registry: registry.address, modelId: ids[name],
      });
      rows.push(`      ${name.padEnd(6)} ${String(publicSignals.length).padStart(2)} public signal(s): bare verifier ${gas.verifier} gas, registry ${gas.registry} gas`);
      assert.ok(gas.verifier! > 150_000n && gas.verifier! < 300_000n, `bare verifier gas ${gas.verifier} within the sanity bound`);
      assert.ok(gas.registry! > gas.verifier! && gas.registry! < 400_000n, `registry gas ${gas.registry} within the sanity bound`);
    }
    console.log(`      verification gas (transaction total, incl. 21000 base + calldata):\n${rows.join('\n')}`);
  });
});
