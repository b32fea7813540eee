/**
 * `zkinfer export-verifier <build> [-o dir]`: writes the build's Solidity Groth16 verifier (snarkjs template,
 * contract named after the model) — by default the build's Verifier.sol, with -o `<dir>/<Name>Verifier.sol`
 * (e.g. -o contracts/generated/ so Hardhat compiles it). Thin wrapper over src/chain/exportVerifier.ts.
 */
import type { Command } from 'commander';
import { json, stdoutIO, wantsJson, type CommandIO } from '../../src/chain/cliSupport.ts';

export function register(program: Command, io: CommandIO = stdoutIO): void {
  program
    .command('export-verifier')
    .description('write the Solidity Groth16 verifier of a build (snarkjs template)')
    .argument('<build>', 'build directory (with manifest.json and model.zkey)')
    .option('-o, --out <dir>', "output folder for <Name>Verifier.sol (default: the build's Verifier.sol)")
    .option('--name <contract>', 'Solidity contract name (default: <ModelName>Verifier)')
    .action(async (buildDir: string, opts: { out?: string; name?: string }, cmd: Command) => {
      const { exportVerifier } = await import('../../src/chain/exportVerifier.ts');
      const r = await exportVerifier({ buildDir, outDir: opts.out, contractName: opts.name });
      if (wantsJson(cmd)) io.out(json({ ok: true, file: r.file, contractName: r.contractName, publicSignals: r.publicSignals }));
      else io.out(`wrote ${r.file} (contract ${r.contractName}, ${r.publicSignals} public signal${r.publicSignals === 1 ? '' : 's'})`);
    });
}
