/**
 * The reference interpreter of the integer IR: the single source of truth for what the
 * circuit computes (design §1). Exact BigInt arithmetic, no rounding anywhere but the
 * rounding the IR itself specifies.
 */
import { InputError } from '../../errors.ts';
import { clamp, floorDiv, roundShift, roundShiftEven } from './arith.ts';
import type { IntGraph, IntNode } from './ir.ts';

export type IntValues = Map<string, bigint[]>;

/** Evaluates every node; `inputs` maps input names to flat integer arrays (already encoded). */
export function interpret(graph: IntGraph, inputs: Record<string, readonly bigint[]>): IntValues {
  const values: IntValues = new Map();
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const get = (name: string): bigint[] => {
    const v = values.get(name);
    if (!v) throw new Error(`interpreter: tensor '${name}' used before it is computed`);
    return v;
  };
  for (const node of graph.nodes) values.set(node.name, evalNode(node, inputs, get, byName));
  return values;
}

/** Only the model outputs, in graph order. */
export function interpretOutputs(graph: IntGraph, inputs: Record<string, readonly bigint[]>): bigint[][] {
  const values = interpret(graph, inputs);
  return graph.outputs.map((o) => values.get(o)!);
}

function evalNode(
  node: IntNode,
  inputs: Record<string, readonly bigint[]>,
  get: (name: string) => bigint[],
  byName: Map<string, IntNode>,
): bigint[] {
  switch (node.op) {
    case 'input': {
      const v = inputs[node.name];
      const n = node.shape.reduce((a, b) => a * b, 1);
      if (!v || v.length !== n) {
        throw new InputError('INPUT_SHAPE', `input '${node.name}' needs ${n} values, got ${v ? v.length : 'none'}`);
      }
      v.forEach((x, i) => {
        if (x < node.lo || x > node.hi) {
          throw new InputError('INPUT_RANGE', `input '${node.name}'[${i}] = ${x} is outside [${node.lo}, ${node.hi}]`);
        }
      });
      return [...v];
    }
    case 'linear': {
      const x = node.inputs.flatMap((name) => get(name));
      const { rowPtr, colIdx, values } = node.matrix;
      const out = new Array<bigint>(node.matrix.rows);
      for (let r = 0; r < node.matrix.rows; r++) {
        let acc = node.bias[r];
        for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) acc += values[e] * x[colIdx[e]];
        out[r] = acc;
      }
      return out;
    }
    case 'rescale': {
      const zp = byName.get(node.input)!.zeroPoint;
      const B = BigInt(node.bits);
      return get(node.input).map((v) => {
        const q = node.rounding === 'half-even' ? roundShiftEven(v - zp, node.shift) : roundShift(v - zp, node.shift);
        return node.relu
          ? clamp(q, 0n, (1n << B) - 1n)
          : clamp(q, -(1n << (B - 1n)), (1n << (B - 1n)) - 1n) + (1n << (B - 1n));
      });
    }
    case 'max': {
      const x = get(node.input);
      return node.windows.map((w) => {
        let m = x[w[0]];
        for (let j = 1; j < w.length; j++) if (x[w[j]] > m) m = x[w[j]];
        return m;
      });
    }
    case 'pwl': {
      const L = 1n << BigInt(node.bits - node.segBits);
      return get(node.input).map((x) => {
        if (x < 0n || x >= 1n << BigInt(node.bits)) throw new Error(`interpreter: pwl '${node.name}' input ${x} outside [0, 2^${node.bits})`);
        const seg = Number(x / L);
        return node.values[seg] + node.slopes[seg] * (x % L);
      });
    }
    case 'div': {
      const x = get(node.input);
      return node.windows.map((w, i) => {
        const d = BigInt(node.divisor[i]);
        let s = (d - BigInt(w.length)) * node.pad + d / 2n;
        for (let j = 0; j < w.length; j++) s += x[w[j]];
        return floorDiv(s, d);
      });
    }
  }
}
