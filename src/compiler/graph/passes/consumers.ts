/** Who reads each node: node name → names of the nodes that take it as an input. */
import type { Graph, GraphNode } from '../ir.ts';

export function nodeInputs(node: GraphNode): string[] {
  switch (node.op) {
    case 'input':
      return [];
    case 'linear':
      return node.inputs;
    default:
      return [node.input];
  }
}

export function consumers(graph: Graph): Map<string, string[]> {
  const map = new Map<string, string[]>(graph.nodes.map((n) => [n.name, []]));
  for (const node of graph.nodes) for (const i of new Set(nodeInputs(node))) map.get(i)?.push(node.name);
  return map;
}
