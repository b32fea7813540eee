/**
 * Float interpreter of the graph IR (float64), for calibration and tests.
 * Inputs are flat row-major arrays keyed by input name; returns every graph output by name.
 */
import { InputError } from '../../errors.ts';
import { csrApply } from './csr.ts';
import { evalActivation, evalClip, evalQuantize } from './elementwise.ts';
import { size, type Graph } from './ir.ts';

export interface RunOptions {
  /** Also return every intermediate tensor (keyed by node name), e.g. to calibrate scales. */
  all?: boolean;
}

export function runGraph(graph: Graph, inputs: Record<string, Float64Array>, options: RunOptions = {}): Record<string, Float64Array> {
  const env = new Map<string, Float64Array>();
  for (const node of graph.nodes) {
    const n = size(node.shape);
    switch (node.op) {
      case 'input': {
        const x = inputs[node.name];
        if (!x) {
          throw new InputError('INPUT_MISSING', `input '${node.name}' is missing`, {
            fix: `provide '${node.name}' with ${n} values (shape [${node.shape.join(', ')}])`,
          });
        }
        if (x.length !== n) {
          throw new InputError('INPUT_SHAPE', `input '${node.name}' has ${x.length} values; shape [${node.shape.join(', ')}] needs ${n}`, {
            fix: `provide ${n} values in row-major order`,
          });
        }
        env.set(node.name, Float64Array.from(x));
        break;
      }
      case 'linear': {
        const parts = node.inputs.map((i) => env.get(i)!);
        const x = parts.length === 1 ? parts[0] : concat(parts);
        env.set(node.name, csrApply(node.matrix, x, node.bias));
        break;
      }
      case 'relu':
        env.set(node.name, env.get(node.input)!.map((v) => (v > 0 ? v : 0)));
        break;
      case 'quantize':
        env.set(node.name, evalQuantize(node, env.get(node.input)!));
        break;
      case 'clip':
        env.set(node.name, evalClip(node, env.get(node.input)!));
        break;
      case 'activation':
        env.set(node.name, evalActivation(node, env.get(node.input)!));
        break;
      case 'max': {
        const x = env.get(node.input)!;
        env.set(node.name, Float64Array.from(node.windows, (w) => {
          let m = -Infinity;
          for (const j of w) if (x[j] > m) m = x[j];
          return m;
        }));
        break;
      }
      case 'mean': {
        const x = env.get(node.input)!;
        env.set(node.name, Float64Array.from(node.windows, (w, i) => {
          let s = 0;
          for (const j of w) s += x[j];
          return s / node.divisor[i];
        }));
        break;
      }
    }
  }
  const out: Record<string, Float64Array> = {};
  if (options.all) for (const [k, v] of env) out[k] = v;
  for (const o of graph.outputs) out[o] = env.get(o)!;
  return out;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
