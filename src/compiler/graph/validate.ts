/**
 * The float IR's invariants (ir.ts), checked after import and between passes
 * (tinygrad's spec check): a failure is a compiler bug, reported with the node at fault.
 */
import { ZkInferError } from '../../errors.ts';
import { size, type Graph, type GraphNode } from './ir.ts';

export class GraphInvariantError extends ZkInferError {
  override name = 'GraphInvariantError';
}

/** Throws GraphInvariantError (code GRAPH_INVALID) naming the first broken invariant; `stage` says after which pass. */
export function validateGraph(graph: Graph, stage = 'import'): void {
  const fail = (node: GraphNode | undefined, msg: string): never => {
    throw new GraphInvariantError('GRAPH_INVALID', `invalid graph after ${stage}${node ? ` at node '${node.name}' (${node.op})` : ''}: ${msg}`, {
      fix: 'this is a compiler bug: please report it with the model',
    });
  };
  const sizes = new Map<string, number>();
  for (const node of graph.nodes) {
    if (sizes.has(node.name)) fail(node, 'duplicate node name');
    if (!Array.isArray(node.shape) || node.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(node, `bad shape [${node.shape}]`);
    const n = size(node.shape);
    const inputSize = (name: string): number => {
      const s = sizes.get(name);
      if (s === undefined) fail(node, `input '${name}' is not a graph input or an earlier node`);
      return s!;
    };
    switch (node.op) {
      case 'input':
        break;
      case 'linear': {
        const m = node.matrix;
        const cols = node.inputs.reduce((a, i) => a + inputSize(i), 0);
        if (new Set(node.inputs).size !== node.inputs.length) fail(node, 'repeated input');
        if (m.rows !== n) fail(node, `matrix has ${m.rows} rows for ${n} outputs`);
        if (m.cols !== cols) fail(node, `matrix has ${m.cols} columns for ${cols} input values`);
        if (m.rowPtr.length !== m.rows + 1 || m.rowPtr[0] !== 0) fail(node, 'rowPtr has the wrong length or start');
        const nnz = m.rowPtr[m.rows];
        if (m.colIdx.length !== nnz || m.values.length !== nnz) fail(node, 'colIdx/values lengths differ from rowPtr');
        for (let r = 0; r < m.rows; r++) {
          if (m.rowPtr[r + 1] < m.rowPtr[r]) fail(node, `rowPtr decreases at row ${r}`);
          for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
            const c = m.colIdx[k];
            if (!(c >= 0 && c < m.cols)) fail(node, `column ${c} out of range in row ${r}`);
            if (k > m.rowPtr[r] && m.colIdx[k - 1] >= c) fail(node, `columns not strictly increasing in row ${r}`);
            if (!Number.isFinite(m.values[k])) fail(node, `non-finite coefficient in row ${r}`);
          }
        }
        if (node.bias.length !== n) fail(node, `bias has ${node.bias.length} values for ${n} outputs`);
        if (node.bias.some((b) => !Number.isFinite(b))) fail(node, 'non-finite bias');
        break;
      }
      case 'relu':
      case 'clip':
      case 'activation':
        if (inputSize(node.input) !== n) fail(node, `input size ${inputSize(node.input)} differs from output size ${n}`);
        if (node.op === 'clip' && !(node.lo <= node.hi)) fail(node, `clip bounds [${node.lo}, ${node.hi}] are empty`);
        break;
      case 'quantize':
        if (inputSize(node.input) !== n) fail(node, `input size ${inputSize(node.input)} differs from output size ${n}`);
        if (node.scale.length !== 1 && node.scale.length !== n) fail(node, `${node.scale.length} scales for ${n} elements`);
        if (node.scale.some((s) => !(s > 0 && Number.isFinite(s)))) fail(node, 'a quantization scale is not positive and finite');
        if (!(Number.isInteger(node.lo) && Number.isInteger(node.hi) && node.lo <= node.zeroPoint && node.zeroPoint <= node.hi)) {
          fail(node, `zero point ${node.zeroPoint} outside the integer range [${node.lo}, ${node.hi}]`);
        }
        break;
      case 'max':
      case 'mean': {
        const inSize = inputSize(node.input);
        if (node.windows.length !== n) fail(node, `${node.windows.length} windows for ${n} outputs`);
        node.windows.forEach((w, i) => {
          if (w.length === 0) fail(node, `window ${i} is empty`);
          for (const j of w) if (!(j >= 0 && j < inSize)) fail(node, `window ${i} reads index ${j} outside the input (${inSize})`);
        });
        if (node.op === 'mean') {
          if (node.divisor.length !== n) fail(node, `${node.divisor.length} divisors for ${n} outputs`);
          node.divisor.forEach((d, i) => {
            if (!(Number.isInteger(d) && d >= node.windows[i].length)) fail(node, `divisor ${d} of window ${i} is smaller than the window`);
          });
        }
        break;
      }
      default:
        fail(node, `unknown op '${(node as { op: string }).op}'`);
    }
    sizes.set(node.name, n);
  }
  const inputNodes = new Set(graph.nodes.filter((x) => x.op === 'input').map((x) => x.name));
  if (graph.inputs.length !== inputNodes.size || graph.inputs.some((i) => !inputNodes.has(i))) {
    fail(undefined, `graph.inputs [${graph.inputs}] do not match the input nodes [${[...inputNodes]}]`);
  }
  for (const o of graph.outputs) if (!sizes.has(o)) fail(undefined, `output '${o}' is not a node`);
}
