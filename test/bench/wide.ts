/**
 * `npm run bench -- wide-mlp`: the scale fixture (784-1024-1024-10, 1.86M parameters),
 * generated if missing, then compile / setup (dev ptau) / prove / native witness, each stage in
 * its own process (wideStep.ts) with its wall time and peak memory (the stage's process tree,
 * circom and g++ included). Prints a markdown table and the raw JSON.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runStep, table, type Measured } from './measure.ts';

const FIXTURE = join('fixtures', 'models', 'wide-mlp');

export async function benchWide(): Promise<string> {
  if (!existsSync(join(FIXTURE, 'model.onnx'))) {
    process.stderr.write('generating fixtures/models/wide-mlp/model.onnx…\n');
    execFileSync(process.execPath, ['--import', 'tsx', join(FIXTURE, 'generate.ts')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const steps: Record<string, Measured> = {};
  for (const stage of ['compile', 'setup', 'prove', 'native']) {
    process.stderr.write(`bench wide-mlp: ${stage}…\n`);
    steps[stage] = await runStep('test/bench/wideStep.ts', [stage]);
  }
  const c = steps.compile.result;
  const s = steps.setup.result;
  const p = steps.prove.result;
  const n = steps.native.result;
  const mb = (m: Measured): string => `${m.peakTreeRssMb.toFixed(0)} MB (own ${Number(m.result.peakRssMb).toFixed(0)} MB)`;
  const sec = (x: unknown): string => `${Number(x).toFixed(2)} s`;
  const t = s.timingsS as Record<string, number>;
  const rows = [
    ['compile', sec(c.compileS), mb(steps.compile), `${c.parameters} parameters → ${c.constraints} constraints (${c.linearConstraints} linear), ${c.wires} wires; external layers: ${(c.externalLayers as string[]).join(', ')}`],
    ['setup (dev ptau)', sec(s.setupS), mb(steps.setup), `2^${s.power}: ptau ${sec(t.ptau)}, zkey ${sec(t.zkey)}, contribution ${sec(t.contribute)}, export ${sec(t.export)}`],
    ['prove', sec(p.proveS), mb(steps.prove), `warm, median of 3; witness ${sec(p.witnessS)}; load ${sec(p.loadS)}; first proof ${sec(p.firstProofS)}; verify ${sec(p.verifyS)}; valid ${p.valid}, outputs = interpreter ${p.outputsEqualInterpreter}`],
    ['native witness', sec(n.nativeWitnessS), mb(steps.native), `build ${sec(n.nativeBuildS)}; wasm witness ${sec(n.wasmWitnessS)}; of which accumulators (interpreter) ${sec(n.accumulatorsS)}; byte-identical ${n.identical}`],
  ];
  return `\nwide-mlp (784-1024-1024-10)\n${table(['stage', 'time', 'peak memory (process tree)', 'details'], rows)}\n\n${JSON.stringify(Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, { ...v.result, wallS: v.wallS, peakTreeRssMb: v.peakTreeRssMb }])))}`;
}
