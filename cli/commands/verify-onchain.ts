/**
 * `zkinfer verify-onchain <build> <proof.json> [--address 0x…] [--rpc URL] [--submit]`: asks the contract —
 * a ZkInferRegistry (verifyInference by eth_call, or a submitInference transaction with --submit) or a bare
 * verifier — whether the proof is valid; prints true/false and the decoded outputs; exit code 1 when false.
 * `runVerifyOnchain` is exported for the off-chain `verify` command's `--onchain` flag.
 * Thin wrapper over src/chain/verifyOnChain.ts.
 */
import type { Command } from 'commander';
import type { Address } from 'viem';
import type { OnChainVerification } from '../../src/chain/verifyOnChain.ts';
import { defaultRpc, json, parseAddress, parseChainId, stdoutIO, wantsJson, type CommandIO } from '../../src/chain/cliSupport.ts';

export interface VerifyOnchainFlags {
  rpc?: string;
  chainId?: number;
  address?: Address;
  modelId?: string;
  public?: string;
  submit?: boolean;
  /** Print JSON (the CLI's global --json). */
  json?: boolean;
}

/** Adds the on-chain verification options to a command (used here and by `verify --onchain`). */
export function addOnchainOptions(cmd: Command): Command {
  return cmd
    .option('--rpc <url>', 'Ethereum JSON-RPC URL (default: $ZKINFER_RPC_URL or http://127.0.0.1:8545)')
    .option('--chain-id <id>', 'fail unless the RPC is this chain', parseChainId)
    .option('--address <address>', "registry or verifier address (default: this build's deployment on that chain)", parseAddress)
    .option('--model-id <id>', 'registry model id (default: the recorded one, else the model name)')
    .option('--public <file>', 'public signals JSON (default: public.json next to the proof)')
    .option('--submit', 'send a submitInference transaction (key: $ZKINFER_PRIVATE_KEY) and print its event');
}

/** Runs the verification, prints it, and returns it (exit code 1 when the contract rejects the proof). */
export async function runVerifyOnchain(buildDir: string, proofFile: string, flags: VerifyOnchainFlags, io: CommandIO = stdoutIO): Promise<OnChainVerification> {
  const { verifyOnChain } = await import('../../src/chain/verifyOnChain.ts');
  const r = await verifyOnChain({
    rpc: flags.rpc ?? defaultRpc(),
    chainId: flags.chainId,
    buildDir,
    proofFile,
    publicFile: flags.public,
    address: flags.address,
    modelId: flags.modelId,
    submit: flags.submit,
  });
  if (flags.json) {
    io.out(json({ ok: true, ...r }));
  } else {
    const lines = [String(r.valid)];
    lines.push(`  ${r.via} ${r.address} on chain ${r.chainId}${r.modelId ? `, model ${r.modelId}` : ''}`);
    if (!r.valid) lines.push(`  rejected: ${r.reason}`);
    else {
      lines.push(`  outputs: [${r.outputs.join(', ')}]`);
      if (r.inputs.length) lines.push(`  public inputs: [${r.inputs.join(', ')}]`);
      if (r.txHash) lines.push(`  InferenceVerified in tx ${r.txHash} (gas ${r.gasUsed}, submitter ${r.submitter})`);
    }
    io.out(lines.join('\n'));
  }
  if (!r.valid) process.exitCode = 1;
  return r;
}

export function register(program: Command, io: CommandIO = stdoutIO): void {
  addOnchainOptions(
    program
      .command('verify-onchain')
      .description('verify a proof with the on-chain registry or verifier; prints true/false')
      .argument('<build>', 'build directory (manifest.json)')
      .argument('<proof>', 'proof.json (or a JSON with {proof, publicSignals})'),
  )
    .action(async (buildDir: string, proofFile: string, flags: VerifyOnchainFlags, cmd: Command) => {
      await runVerifyOnchain(buildDir, proofFile, { ...flags, json: wantsJson(cmd) }, io);
    });
}
