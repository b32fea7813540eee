/**
 * Dead-node elimination: drops every node no graph output depends on (input nodes stay:
 * they are the model's interface even when unused).
 */
import type { Graph } from '../ir.ts';
import { nodeInputs } from './consumers.ts';

export function eliminateDeadNodes(graph: Graph): Graph {
  const live = new Set(graph.outputs);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (live.has(node.name)) for (const j of nodeInputs(node)) live.add(j);
  }
  const nodes = graph.nodes.filter((n) => n.op === 'input' || live.has(n.name));
  return nodes.length === graph.nodes.length ? graph : { ...graph, nodes };
}
