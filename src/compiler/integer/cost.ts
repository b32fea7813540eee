/**
 * Constraint estimate of an integer model before compiling it (design §3 cost model),
 * per node, using the formulas stated in the templates' headers. `inspect` prints it; the
 * compiled count (from the r1cs) is the authority.
 */
import { bitLength, signedWidth } from './arith.ts';
import type { IntGraph } from './ir.ts';
import { divRoundConstraints, max2Constraints, rescaleConstraints, rescaleEvenConstraints, rescaleWidth, pwlConstraints } from './templateCosts.ts';

export interface NodeCost {
  name: string;
  origin: string;
  op: string;
  elements: number;
  constraints: number;
}

export function estimateCost(graph: IntGraph, inputVisibility: 'private' | 'public'): { total: number; nodes: NodeCost[] } {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const nodes: NodeCost[] = graph.nodes.map((n) => {
    const elements = n.shape.reduce((a, b) => a * b, 1);
    let constraints = 0;
    switch (n.op) {
      case 'input':
        constraints = elements * n.bits; // range checks (private), unpacking (public): same count
        break;
      case 'linear':
        constraints = 0;
        break;
      case 'rescale': {
        const src = byName.get(n.input)!;
        const A = rescaleWidth(src.lo - src.zeroPoint, src.hi - src.zeroPoint, n.shift, n.rounding);
        constraints = elements * (n.rounding === 'half-even' && n.shift > 0 ? rescaleEvenConstraints(A, n.shift, n.bits, n.relu) : rescaleConstraints(A, n.shift, n.bits, n.relu));
        break;
      }
      case 'max': {
        const src = byName.get(n.input)!;
        const B = Math.max(1, bitLength(src.hi - src.lo));
        const comparisons = n.windows.reduce((a, w) => a + w.length - 1, 0);
        constraints = comparisons * max2Constraints(B);
        break;
      }
      case 'pwl':
        constraints = elements * pwlConstraints(n.bits, n.segBits);
        break;
      case 'div': {
        const src = byName.get(n.input)!;
        const dmax = Math.max(...n.divisor);
        const hi = src.hi > n.pad ? src.hi : n.pad;
        const N = Math.max(1, bitLength(BigInt(dmax) * hi));
        constraints = Array.from(n.divisor).reduce((a, d) => a + divRoundConstraints(N, d), 0);
        break;
      }
    }
    return { name: n.name, origin: n.origin, op: n.op, elements, constraints };
  });
  void inputVisibility;
  return { total: nodes.reduce((a, n) => a + n.constraints, 0), nodes };
}
