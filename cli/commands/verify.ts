import type { Command } from 'commander';
import { printResult, type GlobalFlags } from '../output.ts';
import { formatOutputs } from '../format.ts';

export function register(program: Command): void {
  program
    .command('verify')
    .description('verify a proof off-chain; exits 0 and prints the decoded outputs, or exits 1')
    .argument('<build>', 'build directory (set up)')
    .argument('<proof>', 'proof JSON from `zkinfer prove`')
    .action(async (build: string, proof: string, _o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const { verifyProofFile } = await import('../../src/prover/verify.ts');
      const r = await verifyProofFile(build, proof);
      printResult(flags, { ok: r.valid, valid: r.valid, outputs: r.outputs, verifyMs: r.verifyMs }, () => {
        if (r.valid) {
          console.log('verified');
          console.log(formatOutputs(r.outputs ?? []));
        } else {
          console.log('NOT verified: the proof does not match this model\'s verification key and public signals');
        }
      });
      if (!r.valid) process.exitCode = 1;
    });
}
