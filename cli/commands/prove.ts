import type { Command } from 'commander';
import { printResult, stageProgress, type GlobalFlags } from '../output.ts';
import { formatOutputs, readJsonFile } from '../format.ts';

export function register(program: Command): void {
  program
    .command('prove')
    .description('prove one inference: input JSON → proof file with public signals')
    .argument('<build>', 'build directory (compiled and set up)')
    .requiredOption('--input <file>', 'the model input: nested array, { "<name>": [...] } or { "input_data": [[...]] }')
    .requiredOption('-o, --out <file>', 'where to write the proof JSON')
    .action(async (build: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const { Prover } = await import('../../src/prover/Prover.ts');
      const { writeProofFile } = await import('../../src/prover/proofFile.ts');
      const input = await readJsonFile(o.input, 'input');
      const bar = stageProgress(flags, ['load', 'witness + proof']);
      const prover = await Prover.load(build);
      bar.update('witness + proof');
      const r = await prover.prove(input).finally(bar.stop);
      await prover.close();
      await writeProofFile(o.out, prover.proofFile(r));
      printResult(flags, { ok: true, proof: o.out, outputs: r.outputs, witnessMs: r.witnessMs, proveMs: r.proveMs }, () => {
        console.log(`proof written to ${o.out} (witness ${r.witnessMs.toFixed(0)} ms, proof ${r.proveMs.toFixed(0)} ms)`);
        console.log(formatOutputs(r.outputs));
      });
    });
}
