/** model.int.json: the integer model on disk (bigints as strings, typed arrays as arrays). */
import { toJson } from '../../util/files.ts';
import type { IntGraph, IntNode } from './ir.ts';

export const serializeIntGraph = (g: IntGraph): string => toJson(g, 0);

export function deserializeIntGraph(text: string): IntGraph {
  const raw = JSON.parse(text) as IntGraph;
  const big = (v: unknown): bigint => BigInt(v as string);
  const nodes = raw.nodes.map((n): IntNode => {
    const base = { ...n, lo: big(n.lo), hi: big(n.hi), zeroPoint: big(n.zeroPoint) };
    switch (n.op) {
      case 'linear':
        return {
          ...(base as typeof n),
          bias: n.bias.map(big),
          matrix: {
            ...n.matrix,
            rowPtr: Int32Array.from(n.matrix.rowPtr as unknown as number[]),
            colIdx: Int32Array.from(n.matrix.colIdx as unknown as number[]),
            values: n.matrix.values.map(big),
          },
        };
      case 'max':
        return { ...(base as typeof n), windows: n.windows.map((w) => Int32Array.from(w as unknown as number[])) };
      case 'div':
        return {
          ...(base as typeof n),
          pad: big(n.pad),
          windows: n.windows.map((w) => Int32Array.from(w as unknown as number[])),
          divisor: Int32Array.from(n.divisor as unknown as number[]),
        };
      case 'pwl':
        return { ...(base as typeof n), values: n.values.map(big), slopes: n.slopes.map(big) };
      default:
        return base as IntNode;
    }
  });
  return { ...raw, nodes };
}
