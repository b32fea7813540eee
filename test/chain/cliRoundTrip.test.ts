/**
 * The CLI round trip against a real JSON-RPC node: `hardhat node` on 127.0.0.1 (free port), then the
 * export-verifier, deploy and verify-onchain commands (their commander registrations, as the zkinfer CLI runs
 * them) with the key in ZKINFER_PRIVATE_KEY; the InferenceVerified event is read back from the chain.
 * Also the RPC-level errors: unreachable RPC, wrong chain id, missing key, no code at an address.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Command } from 'commander';
import { createPublicClient, http, parseAbiItem, type Address } from 'viem';
import { register as registerExport } from '../../cli/commands/export-verifier.ts';
import { register as registerDeploy } from '../../cli/commands/deploy.ts';
import { register as registerVerify } from '../../cli/commands/verify-onchain.ts';
import { ChainError, type ZkInferError } from '../../src/errors.ts';
import { chainFixtures, type ChainFixture } from './fixtures/chainFixtures.ts';
import { HARDHAT_KEY_0, startHardhatNode, type HardhatNode } from './fixtures/hardhatNode.ts';

/** Runs `zkinfer <argv…>` through the chain commands' register functions; returns what they printed. */
async function zkinfer(...argv: string[]): Promise<string> {
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s) };
  const program = new Command('zkinfer').option('--json').exitOverride();
  registerExport(program, io);
  registerDeploy(program, io);
  registerVerify(program, io);
  await program.parseAsync(['node', 'zkinfer', ...argv]);
  return lines.join('\n');
}

const isChainError = (code: string, msg?: RegExp) => (e: unknown) =>
  e instanceof ChainError && (e as ZkInferError).code === code && (!msg || msg.test(e.message)) && typeof e.fix === 'string';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('CLI round trip against `hardhat node` (deploy, register, verify on-chain, read the event)', function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let fx: ChainFixture;
  let work: string;
  let buildDir: string;
  const savedKey = process.env.ZKINFER_PRIVATE_KEY;

  before(async function () {
    fx = (await chainFixtures()).mlp10;
    work = await mkdtemp(join(tmpdir(), 'zkinfer-chain-'));
    buildDir = join(work, 'mlp10');
    await cp(fx.buildDir, buildDir, { recursive: true });
    node = await startHardhatNode();
    process.env.ZKINFER_PRIVATE_KEY = HARDHAT_KEY_0;
  });

  after(async function () {
    if (savedKey === undefined) delete process.env.ZKINFER_PRIVATE_KEY;
    else process.env.ZKINFER_PRIVATE_KEY = savedKey;
    await node?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('export-verifier writes <Name>Verifier.sol', async function () {
    const out = await zkinfer('export-verifier', buildDir, '-o', join(work, 'contracts'));
    assert.match(out, /Mlp10Verifier\.sol \(contract Mlp10Verifier, 1 public signal\)/);
    const src = await readFile(join(work, 'contracts', 'Mlp10Verifier.sol'), 'utf8');
    assert.match(src, /contract Mlp10Verifier \{/);
    assert.match(src, /uint\[1\] calldata _pubSignals/);
  });

  it('deploy → verify-onchain (eth_call, then --submit) → InferenceVerified read from the chain', async function () {
    const deployed = JSON.parse(await zkinfer('--json', 'deploy', buildDir, '--rpc', node.url, '--chain-id', '31337')) as {
      chainId: number; verifier: Address; registry: Address; modelId: string;
    };
    assert.equal(deployed.chainId, 31337);
    const recorded = JSON.parse(await readFile(join(buildDir, 'deployments.json'), 'utf8'));
    assert.equal(recorded['31337'].registry, deployed.registry);

    const x = [17n, 0n, 255n, 42n];
    const { proof, publicSignals } = await fx.prove(x);
    await writeFile(join(work, 'proof.json'), JSON.stringify(proof));
    await writeFile(join(work, 'public.json'), JSON.stringify(publicSignals));
    const expected = fx.spec.outputs(x);

    // No --address: the registry recorded for this chain.
    const call = await zkinfer('verify-onchain', buildDir, join(work, 'proof.json'), '--rpc', node.url);
    assert.match(call, /^true\n/);
    assert.match(call, new RegExp(`outputs: \\[${expected.join(', ')}\\]`));

    // zkinfer's own proof file format ({ proof, publicSignals, model }), as `zkinfer prove` writes it.
    const m = fx.manifest;
    const model = { name: m.name, onnxSha256: m.onnx.sha256, vkeySha256: m.setup!.vkeySha256 };
    await writeFile(join(work, 'zk-proof.json'), JSON.stringify({ proof, publicSignals, model }));
    await writeFile(join(work, 'other-proof.json'), JSON.stringify({ proof, publicSignals, model: { ...model, vkeySha256: '00'.repeat(32) } }));
    await assert.rejects(
      zkinfer('verify-onchain', buildDir, join(work, 'other-proof.json'), '--rpc', node.url),
      (e: unknown) => (e as ZkInferError).code === 'PROOF_WRONG_MODEL',
    );
    const sub = JSON.parse(await zkinfer('--json', 'verify-onchain', buildDir, join(work, 'zk-proof.json'), '--rpc', node.url, '--address', deployed.registry, '--submit')) as {
      valid: boolean; txHash: `0x${string}`; outputs: string[];
    };
    assert.equal(sub.valid, true);
    assert.deepEqual(sub.outputs, expected.map(String));

    // Read the event back from the node, independently of the command.
    const client = createPublicClient({ transport: http(node.url) });
    const logs = await client.getLogs({
      address: deployed.registry,
      event: parseAbiItem('event InferenceVerified(bytes32 indexed modelId, address indexed submitter, int256[] outputs, int256[] inputs)'),
      fromBlock: 0n,
    });
    assert.equal(logs.length, 1);
    assert.equal(logs[0].transactionHash, sub.txHash);
    assert.equal(logs[0].args.modelId, deployed.modelId);
    assert.deepEqual(logs[0].args.outputs, expected);
    assert.equal(logs[0].args.submitter?.toLowerCase(), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');

    // The bare verifier answers too.
    const bare = await zkinfer('verify-onchain', buildDir, join(work, 'proof.json'), '--rpc', node.url, '--address', deployed.verifier);
    assert.match(bare, /^true\n\s+verifier /);

    // A tampered proof: false, exit code 1, the contract's reason.
    const bad = { ...proof, pi_c: [proof.pi_a[0], proof.pi_a[1], '1'] };
    await writeFile(join(work, 'bad.json'), JSON.stringify({ proof: bad, publicSignals }));
    const saved = process.exitCode;
    const rejected = await zkinfer('verify-onchain', buildDir, join(work, 'bad.json'), '--rpc', node.url);
    assert.equal(process.exitCode, 1);
    process.exitCode = saved;
    assert.match(rejected, /^false\n[\s\S]*rejected: InvalidProof/);
  });

  it('reports RPC problems as ChainErrors: unreachable, wrong chain id, missing key, no code, re-registration', async function () {
    const proofFile = join(work, 'proof.json');
    const port = await closedPort();
    await assert.rejects(zkinfer('deploy', buildDir, '--rpc', `http://127.0.0.1:${port}`), isChainError('CHAIN_RPC_UNREACHABLE', /cannot reach/));
    await assert.rejects(zkinfer('deploy', buildDir, '--rpc', node.url, '--chain-id', '1'), isChainError('CHAIN_WRONG_CHAIN', /is chain 31337, expected chain 1/));
    await assert.rejects(
      zkinfer('verify-onchain', buildDir, proofFile, '--rpc', node.url, '--address', '0x000000000000000000000000000000000000dEaD'),
      isChainError('CHAIN_NO_CODE', /no contract at 0x000000000000000000000000000000000000dEaD/),
    );
    const recorded = JSON.parse(await readFile(join(buildDir, 'deployments.json'), 'utf8'))['31337'];
    await assert.rejects(
      zkinfer('deploy', buildDir, '--rpc', node.url, '--registry', recorded.registry),
      isChainError('CHAIN_REVERTED', /registerModel reverted with ModelAlreadyRegistered\(0x/),
    );
    delete process.env.ZKINFER_PRIVATE_KEY;
    await assert.rejects(zkinfer('deploy', buildDir, '--rpc', node.url), isChainError('CHAIN_MISSING_KEY', /ZKINFER_PRIVATE_KEY is not set/));
    process.env.ZKINFER_PRIVATE_KEY = '0x1234';
    await assert.rejects(zkinfer('deploy', buildDir, '--rpc', node.url), isChainError('CHAIN_BAD_KEY'));
    process.env.ZKINFER_PRIVATE_KEY = HARDHAT_KEY_0;
  });
});
