import type { Command } from 'commander';
import { printResult, type GlobalFlags } from '../output.ts';
import { formatOutputs } from '../format.ts';
import { formatCommitments } from './commit.ts';
import { addOnchainOptions, runVerifyOnchain } from './verify-onchain.ts';

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('verify a proof off-chain (or with --onchain through a deployed contract); exits 0 and prints the decoded outputs, or exits 1')
    .argument('<build>', 'build directory (set up)')
    .argument('<proof>', 'proof JSON from `zkinfer prove`')
    .option('--onchain', 'verify through the deployed registry/verifier instead of off-chain');
  addOnchainOptions(cmd).action(async (build: string, proof: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      if (o.onchain) {
        await runVerifyOnchain(build, proof, cmd.optsWithGlobals());
        return;
      }
      const { verifyProofFile } = await import('../../src/prover/verify.ts');
      const r = await verifyProofFile(build, proof);
      printResult(flags, { ok: r.valid, valid: r.valid, outputs: r.outputs, commitments: r.commitments, verifyMs: r.verifyMs }, () => {
        if (r.valid) {
          console.log('verified');
          if (r.outputs?.length) console.log(formatOutputs(r.outputs));
          if (r.commitments?.length) console.log(formatCommitments(r.commitments));
        } else {
          console.log('NOT verified: the proof does not match this model\'s verification key and public signals');
        }
      });
      if (!r.valid) process.exitCode = 1;
    });
}
