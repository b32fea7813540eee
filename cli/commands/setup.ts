import type { Command } from 'commander';
import { InputError } from '../../src/errors.ts';
import { printResult, stageProgress, type GlobalFlags } from '../output.ts';

export function register(program: Command): void {
  program
    .command('setup')
    .description('Groth16 trusted setup for a compiled build: zkey, verification key, Verifier.sol')
    .argument('<build>', 'build directory from `zkinfer compile`')
    .option('--dev', 'generate an INSECURE local powers-of-tau (development only)')
    .option('--ptau <file>', 'a prepared powers-of-tau file from a public ceremony')
    .option('--entropy <text>', 'entropy for the phase-2 contribution (default: random)')
    .action(async (build: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      if (!o.dev === !o.ptau) {
        throw new InputError('SETUP_SOURCE', 'setup needs exactly one of --dev or --ptau <file>', {
          fix: `zkinfer setup ${build} --dev (insecure, local) or --ptau ceremony.ptau`,
        });
      }
      const { setup } = await import('../../src/prover/setup.ts');
      const bar = stageProgress(flags, ['ptau', 'zkey', 'contribute', 'export', 'write']);
      const r = await setup({ buildDir: build, dev: o.dev, ptau: o.ptau, entropy: o.entropy, onProgress: (p) => bar.update(p.stage) }).finally(bar.stop);
      printResult(flags, { ok: true, ...r, manifest: undefined }, () => {
        console.log(`setup done for ${build} (${r.constraints} constraints, ptau 2^${r.ptau.power}${r.ptau.insecure ? ', INSECURE dev ptau: never use in production' : ''})`);
        console.log(`  zkey sha256 ${r.zkeySha256}\n  verification key sha256 ${r.vkeySha256}`);
        console.log(`  took ${(r.timings.total / 1000).toFixed(1)} s`);
      });
    });
}
