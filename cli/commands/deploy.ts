/**
 * `zkinfer deploy <build> --rpc URL`: deploys the build's verifier and a ZkInferRegistry (or uses --registry),
 * registers the model, prints the addresses and records them in <build>/deployments.json. The key comes from
 * ZKINFER_PRIVATE_KEY. Thin wrapper over src/chain/deploy.ts.
 */
import type { Command } from 'commander';
import type { Address } from 'viem';
import { defaultRpc, json, parseAddress, parseChainId, stdoutIO, wantsJson, type CommandIO } from '../../src/chain/cliSupport.ts';

interface DeployFlags {
  rpc: string;
  chainId?: number;
  registry?: Address;
  modelId?: string;
  register: boolean;
}

export function register(program: Command, io: CommandIO = stdoutIO): void {
  program
    .command('deploy')
    .description('deploy a build\'s verifier and register the model in a ZkInferRegistry (key: $ZKINFER_PRIVATE_KEY)')
    .argument('<build>', 'build directory (with manifest.json and model.zkey)')
    .option('--rpc <url>', 'Ethereum JSON-RPC URL (default: $ZKINFER_RPC_URL or http://127.0.0.1:8545)')
    .option('--chain-id <id>', 'refuse to deploy unless the RPC is this chain', parseChainId)
    .option('--registry <address>', 'register in this existing registry instead of deploying a new one', parseAddress)
    .option('--model-id <id>', 'registry model id: a name (hashed with keccak256) or 0x + 64 hex digits (default: the model name)')
    .option('--no-register', 'only deploy the verifier')
    .action(async (buildDir: string, flags: DeployFlags, cmd: Command) => {
      const { deployModel } = await import('../../src/chain/deploy.ts');
      const rpc = flags.rpc ?? defaultRpc();
      const r = await deployModel({
        rpc,
        chainId: flags.chainId,
        buildDir,
        registry: flags.registry,
        modelId: flags.modelId,
        register: flags.register,
      });
      if (wantsJson(cmd)) {
        io.out(json({ ok: true, ...r }));
        return;
      }
      const lines = [
        `chain     ${r.chainId} (${rpc})`,
        `verifier  ${r.verifier} (${r.verifierContract})`,
      ];
      if (r.registry) {
        lines.push(`registry  ${r.registry}${flags.registry ? ' (existing)' : ' (new, owned by the deploying account)'}`);
        lines.push(`model id  ${r.modelId}`);
      }
      for (const t of r.transactions) lines.push(`  tx ${t.txHash}  ${t.what}, gas ${t.gasUsed}`);
      lines.push(`recorded in ${buildDir}/deployments.json`);
      io.out(lines.join('\n'));
    });
}
