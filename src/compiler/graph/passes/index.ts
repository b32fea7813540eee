/**
 * The float-graph passes, run in order with `validateGraph` after each (tinygrad-style).
 */
import type { Graph } from '../ir.ts';
import { validateGraph } from '../validate.ts';
import { eliminateDeadNodes } from './eliminateDeadNodes.ts';
import { fuseGatherIntoWindows } from './fuseGatherIntoWindows.ts';
import { fuseLinear } from './fuseLinear.ts';

export interface GraphPass {
  name: string;
  run: (graph: Graph) => Graph;
}

export const GRAPH_PASSES: readonly GraphPass[] = [
  { name: 'eliminateDeadNodes', run: eliminateDeadNodes },
  { name: 'fuseLinear', run: fuseLinear },
  { name: 'fuseGatherIntoWindows', run: fuseGatherIntoWindows },
  { name: 'eliminateDeadNodes', run: eliminateDeadNodes },
];

/** Validates the graph, then runs each pass and validates its result. Does not modify `graph`. */
export function optimizeGraph(graph: Graph, passes: readonly GraphPass[] = GRAPH_PASSES): Graph {
  validateGraph(graph, 'import');
  let g = graph;
  for (const p of passes) {
    g = p.run(g);
    validateGraph(g, p.name);
  }
  return g;
}

export { eliminateDeadNodes, fuseGatherIntoWindows, fuseLinear };
