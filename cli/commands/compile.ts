import type { Command } from 'commander';
import { parseIntOption, parseRange } from '../parse.ts';
import { printResult, stageProgress, type GlobalFlags } from '../output.ts';

export function register(program: Command): void {
  program
    .command('compile')
    .description('compile an ONNX model to a circuit (r1cs + witness generator) in a build directory')
    .argument('<model>', 'path to the .onnx file')
    .requiredOption('-o, --out <dir>', 'build directory, e.g. build/mlp')
    .option('--calibration <file>', 'JSON samples used to choose scales and measure accuracy')
    .option('--input-range <lo,hi>', 'input range assumed without calibration samples (default -1,1)', parseRange)
    .option('--input-bits <n>', 'width of each input value (default 8)', parseIntOption('--input-bits'))
    .option('--weight-bits <n>', 'width of each weight (default 8)', parseIntOption('--weight-bits'))
    .option('--activation-bits <n>', 'width of each activation (default 8)', parseIntOption('--activation-bits'))
    .option('--scale <n>', 'fixed scale exponent (value = q / 2^n) instead of calibrated scales', parseIntOption('--scale'))
    .option('--input <visibility>', 'private | public | hashed (private, with a public Poseidon commitment) (default private)')
    .option('--output <visibility>', 'public | hashed (private, with a public Poseidon commitment) (default public)')
    .option('--weights <visibility>', 'constant | committed (private inputs of one circuit per architecture, with a public Poseidon commitment) (default constant)')
    .option('--force', 'recompile even if the build is up to date')
    .action(async (model: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const { compile } = await import('../../src/compiler/compile.ts');
      const { checkChoice } = await import('../parse.ts');
      const bar = stageProgress(flags, ['parse', 'calibrate', 'quantize', 'circom', 'done']);
      const r = await compile({
        model, outDir: o.out, calibration: o.calibration, inputRange: o.inputRange, inputBits: o.inputBits,
        weightBits: o.weightBits, activationBits: o.activationBits, scale: o.scale, force: o.force,
        input: o.input === undefined ? undefined : checkChoice('--input', o.input, ['private', 'public', 'hashed'] as const),
        output: o.output === undefined ? undefined : checkChoice('--output', o.output, ['public', 'hashed'] as const),
        weights: o.weights === undefined ? undefined : checkChoice('--weights', o.weights, ['constant', 'committed'] as const),
        onProgress: bar.update,
      }).finally(bar.stop);
      const m = r.manifest;
      printResult(flags, { ok: true, dir: r.paths.dir, cached: r.cached, circuit: m.circuit, accuracy: m.quantization.accuracy, publicSignals: m.publicSignals.total, visibility: m.visibility }, () => {
        console.log(`compiled ${model} → ${r.paths.dir}${r.cached ? ' (up to date, circom skipped)' : ''}`);
        console.log(`  constraints: ${m.circuit.constraints} non-linear (estimate ${r.estimate.total}), public signals: ${m.publicSignals.total}`);
        const a = m.quantization.accuracy;
        if (a) console.log(`  accuracy on ${a.samples} calibration samples: argmax agreement ${(100 * (a.argmaxAgreement ?? 0)).toFixed(2)} %, max |error| ${a.maxAbsError.toPrecision(3)}`);
        else console.log('  accuracy not measured: pass --calibration samples.json to choose scales from data and measure it');
        for (const out of m.outputs) {
          if (out.errorBound !== undefined && out.errorBound > 0) console.log(`  output ${out.name}: worst-case quantization error ≤ ${out.errorBound.toPrecision(3)} (static bound for inputs in the calibrated range; errors rarely align, see the measured accuracy)`);
          if (out.postprocess) console.log(`  output ${out.name}: the final ${out.postprocess.op} is not proved; the proof covers its input (the logits), apply ${out.postprocess.op} after verifying`);
        }
        if (m.inputs.some((i) => i.step !== undefined)) console.log('  quantized model: its integer arithmetic is reproduced exactly (inputs encoded by its QuantizeLinear)');
        if (m.visibility.input !== 'private' || m.visibility.output !== 'public' || m.visibility.weights !== 'constant') {
          console.log(`  visibility: input ${m.visibility.input}, output ${m.visibility.output}, weights ${m.visibility.weights}`);
        }
        if (m.weights) console.log(`  ${m.weights.count} weights are private inputs: ${r.paths.dir}/weights.json holds them and their salt (secret; \`zkinfer commit ${o.out} --weights\` prints the commitment)`);
      });
    });
}
