import type { Command } from 'commander';
import { printResult, type GlobalFlags } from '../output.ts';
import { parseRange } from '../parse.ts';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('list a model\'s ops and shapes, whether each can be proved (and why not), and the estimated constraints')
    .argument('<model>', 'path to the .onnx file')
    .option('--calibration <file>', 'JSON samples for the scale choice behind the estimate')
    .option('--input-range <lo,hi>', 'input range assumed without calibration samples (default -1,1)', parseRange)
    .option('--input <visibility>', 'cost with private | public | hashed inputs (default private)')
    .option('--output <visibility>', 'cost with public | hashed outputs (default public)')
    .option('--weights <visibility>', 'cost with constant | committed weights (default constant)')
    .action(async (model: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const { inspect } = await import('../../src/compiler/inspect.ts');
      const r = await inspect(model, { calibration: o.calibration, inputRange: o.inputRange, input: o.input, output: o.output, weights: o.weights });
      printResult(flags, r, () => {
        console.log(`${model}: ${r.name} (opset ${r.opset}, ${r.producer.name} ${r.producer.version})`);
        for (const t of r.inputs) console.log(`  input  ${t.name} [${t.shape}]`);
        for (const t of r.outputs) console.log(`  output ${t.name} [${t.shape}]`);
        console.log('  nodes:');
        for (const n of r.nodes) {
          const shapes = n.outputShapes.map((s) => (s ? `[${s}]` : '?')).join(' ');
          console.log(`    ${n.status.padEnd(11)} ${n.opType.padEnd(20)} ${n.name.padEnd(24)} ${shapes}${n.reason ? `  — ${n.reason}` : ''}`);
        }
        console.log(`  quantization: ${r.quantization.summary}`);
        for (const u of r.unprovedOutputs ?? []) console.log(`  note: output ${u.output} comes from a final ${u.op}, which is not proved; the proof covers its input (the logits)`);
        for (const i of r.issues) console.log(`  issue: ${i}`);
        if (r.estimate) {
          console.log('  estimated constraints (8-bit defaults):');
          for (const n of r.estimate.nodes.filter((x) => x.constraints > 0)) {
            console.log(`    ${n.op.padEnd(8)} ${n.origin.padEnd(28)} ${String(n.elements).padStart(6)} elements  ${String(n.constraints).padStart(8)}`);
          }
          console.log(`    total ${r.estimate.total}`);
          console.log('  supported: yes');
        } else {
          console.log(`  supported: no\n  ${r.message ?? ''}${r.fix ? `\n  fix: ${r.fix}` : ''}`);
        }
      });
      if (!r.supported) process.exitCode = 1;
    });
}
