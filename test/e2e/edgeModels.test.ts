/**
 * Real-world ONNX shapes (test/fixtures/onnx: opsets 10–17, shape subgraphs, standalone
 * BatchNorm, padded and strided pooling, grouped/dilated conv, residual adds): each compiles,
 * its circuit's outputs (from the witness) equal the integer interpreter's exactly, and the
 * dequantized outputs track onnxruntime's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compile } from '../../src/compiler/compile.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { unpackGroup } from '../../src/prover/publicSignals.ts';

const CASES = [
  'mlp-opset10', 'mlp-opset11', 'mlp-opset17', 'shape-subgraph', 'batchnorm-standalone', 'conv-bn-relu',
  'avgpool-pad', 'avgpool-nopad', 'conv-strided-dilated', 'conv-grouped', 'maxpool-padded', 'residual-add',
];

interface WitnessCalc { calculateWitness(input: unknown, sanityCheck: boolean): Promise<bigint[]> }

describe('edge-case ONNX models compile and match the interpreter', function () {
  this.timeout(300_000);
  for (const c of CASES) {
    it(c, async () => {
      const dir = join('test', 'fixtures', 'onnx', c);
      const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).outputs as Record<string, unknown[]>;
      // Calibrate on the sample and on scaled copies, so the input range has headroom.
      const scaled = (k: number): unknown => JSON.parse(JSON.stringify(input), (_key, v) => (typeof v === 'number' ? v * k : v));
      const r = await compile({
        model: join(dir, 'model.onnx'), outDir: join('build', 'test', 'edge', c),
        calibration: { inputs: [input, scaled(0.5), scaled(-1)] }, inputBits: 10, activationBits: 10,
      });
      const q = quantizeInput(r.manifest, input);
      const ref = interpretOutputs(r.intGraph, Object.fromEntries(r.intGraph.inputs.map((n, i) => [n, q[i]])));

      const builder = createRequire(import.meta.url)(join(r.paths.dir, 'model_js', 'witness_calculator.js')) as (w: Buffer) => Promise<WitnessCalc>;
      const wc = await builder(readFileSync(r.paths.wasm));
      const w = await wc.calculateWitness({ in: q.flat() }, true);
      const publicSignals = w.slice(1, 1 + r.manifest.publicSignals.total);
      r.manifest.publicSignals.groups.filter((g) => g.role === 'output').forEach((g, i) => {
        assert.deepEqual(unpackGroup(publicSignals, g), ref[i], `${c}: circuit output ${g.tensor} = interpreter`);
      });

      r.manifest.outputs.forEach((o, i) => {
        const want = (expected[o.name] as unknown[]).flat(Infinity) as number[];
        const got = ref[i].map((v) => Number(v - BigInt(o.zeroPoint)) / 2 ** o.scale);
        const span = Math.max(...want.map(Math.abs), 1e-6);
        got.forEach((g, j) => assert.ok(Math.abs(g - want[j]) <= 0.05 * span + 0.02, `${c}: ${o.name}[${j}] = ${g}, onnxruntime ${want[j]}`));
      });
    });
  }
});
