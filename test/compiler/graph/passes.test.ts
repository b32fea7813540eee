/**
 * Graph passes, validator and interpreter on hand-built IR graphs: which linear chains
 * fuse (and which must not: two dense layers, shared producers, outputs, standalone BN),
 * dead-node elimination, gather-into-window folding, and that every pass preserves what
 * runGraph computes.
 */
import assert from 'node:assert/strict';
import { InputError } from '../../../src/errors.ts';
import { CsrBuilder } from '../../../src/compiler/graph/csr.ts';
import type { Graph, GraphNode, LinearNode } from '../../../src/compiler/graph/ir.ts';
import { eliminateDeadNodes, fuseGatherIntoWindows, fuseLinear, optimizeGraph } from '../../../src/compiler/graph/passes/index.ts';
import { runGraph } from '../../../src/compiler/graph/runGraph.ts';
import { GraphInvariantError, validateGraph } from '../../../src/compiler/graph/validate.ts';

let seed = 42;
const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;

const input = (name: string, n: number): GraphNode => ({ op: 'input', name, origin: name, shape: [1, n] });

/** A linear node from a dense row-major matrix (zeros dropped). */
function linear(name: string, kind: string, inputs: string[], rows: number, dense: number[][], bias?: number[]): LinearNode {
  const cols = dense[0]?.length ?? 0;
  const b = new CsrBuilder(cols);
  for (const row of dense) {
    row.forEach((v, c) => v !== 0 && b.add(c, v));
    b.endRow();
  }
  return { op: 'linear', name, origin: name, kind, shape: [1, rows], inputs, matrix: b.build(), bias: Float64Array.from(bias ?? new Array(rows).fill(0)) };
}
const denseRandom = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, rand));
const diag = (d: number[]): number[][] => d.map((v, i) => d.map((_, j) => (i === j ? v : 0)));
const perm = (p: number[]): number[][] => p.map((src) => p.map((_, j) => (j === src ? 1 : 0)));
const relu = (name: string, inp: string, n: number): GraphNode => ({ op: 'relu', name, origin: name, shape: [1, n], input: inp });
const graph = (nodes: GraphNode[], outputs: string[]): Graph => ({
  name: 't', opset: 13, nodes, outputs, inputs: nodes.filter((n) => n.op === 'input').map((n) => n.name), onnxNodes: [],
});
const kinds = (g: Graph): string[] => g.nodes.map((n) => (n.op === 'linear' ? n.kind : n.op));

function assertSameOutputs(a: Graph, b: Graph): void {
  const inputs: Record<string, Float64Array> = {};
  for (const name of a.inputs) {
    const n = a.nodes.find((x) => x.name === name)!;
    inputs[name] = Float64Array.from({ length: n.shape.reduce((p, q) => p * q, 1) }, rand);
  }
  const ya = runGraph(a, inputs);
  const yb = runGraph(b, inputs);
  for (const o of a.outputs) ya[o].forEach((v, i) => assert.ok(Math.abs(v - yb[o][i]) < 1e-9, `${o}[${i}]: ${v} vs ${yb[o][i]}`));
}

describe('graph passes', function () {
  describe('fuseLinear', function () {
    it('folds a diagonal (BatchNormalization) into the dense layer before it', function () {
      const g = graph([input('x', 4), linear('g', 'Gemm', ['x'], 3, denseRandom(3, 4), [1, 2, 3]), linear('bn', 'BatchNormalization', ['g'], 3, diag([2, -1, 0.5]), [0.1, 0.2, 0.3])], ['bn']);
      const f = fuseLinear(g);
      validateGraph(f);
      assert.deepEqual(kinds(f), ['input', 'Gemm+BatchNormalization']);
      assert.equal(f.nodes[1].name, 'bn');
      assert.equal((f.nodes[1] as LinearNode).origin, 'g, bn');
      assertSameOutputs(g, f);
    });

    it('folds permutations, bias-only and concat successors, but never two dense layers', function () {
      const g = graph(
        [
          input('x', 4),
          linear('g1', 'Gemm', ['x'], 4, denseRandom(4, 4)),
          linear('t', 'Transpose', ['g1'], 4, perm([2, 0, 3, 1])),
          linear('a', 'Add', ['t'], 4, diag([1, 1, 1, 1]), [1, -1, 2, -2]),
          linear('g2', 'Gemm', ['a'], 2, denseRandom(2, 4)),
        ],
        ['g2'],
      );
      const f = fuseLinear(g);
      assert.deepEqual(kinds(f), ['input', 'Gemm+Transpose+Add', 'Gemm']);
      assertSameOutputs(g, f);
    });

    it('leaves a producer with two readers, a graph output, and an Add of two activations alone', function () {
      const g = graph(
        [
          input('x', 3),
          linear('g', 'Gemm', ['x'], 3, denseRandom(3, 3)),
          linear('s', 'Mul', ['g'], 3, diag([2, 2, 2])),
          relu('r', 'g', 3),
          linear('add', 'Add', ['s', 'r'], 3, [0, 1, 2].map((i) => [0, 1, 2, 3, 4, 5].map((j) => (j === i || j === i + 3 ? 1 : 0)))),
          linear('out2', 'Mul', ['add'], 3, diag([3, 3, 3])),
        ],
        ['add', 'out2'],
      );
      const f = fuseLinear(g);
      assert.deepEqual(kinds(f), kinds(g));
      assertSameOutputs(g, f);
    });

    it('keeps a standalone BatchNormalization (after an input or a relu) as a diagonal node', function () {
      const g = graph(
        [input('x', 3), linear('bn', 'BatchNormalization', ['x'], 3, diag([2, 3, 4]), [1, 1, 1]), relu('r', 'bn', 3), linear('bn2', 'BatchNormalization', ['r'], 3, diag([1, 2, 3])), linear('g', 'Gemm', ['bn2'], 2, denseRandom(2, 3))],
        ['g'],
      );
      const f = fuseLinear(g);
      assert.deepEqual(kinds(f), ['input', 'BatchNormalization', 'relu', 'BatchNormalization', 'Gemm']);
    });

    it('folds a pure 0/1 gather (Pad, Transpose) forward into the dense layers that read it', function () {
      const pad = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]];
      const g = graph(
        [input('x', 3), relu('r', 'x', 3), linear('p', 'Pad', ['r'], 5, pad), linear('c1', 'Conv', ['p'], 2, denseRandom(2, 5)), linear('c2', 'Gemm', ['p'], 1, denseRandom(1, 5))],
        ['c1', 'c2'],
      );
      const f = fuseLinear(g);
      assert.deepEqual(kinds(f), ['input', 'relu', 'Pad+Conv', 'Pad+Gemm']);
      for (const n of f.nodes) if (n.op === 'linear') assert.deepEqual([n.inputs, n.matrix.cols], [['r'], 3]);
      assertSameOutputs(g, f);
    });

    it('merges inputs that appear on both sides of a fusion', function () {
      const g = graph(
        [
          input('x', 2),
          linear('a', 'Neg', ['x'], 2, diag([-1, -1])),
          linear('cat', 'Concat', ['a', 'x'], 4, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
        ],
        ['cat'],
      );
      const f = fuseLinear(g);
      const cat = f.nodes[1] as LinearNode;
      assert.deepEqual(cat.inputs, ['x']);
      assert.equal(cat.matrix.cols, 2);
      assertSameOutputs(g, f);
    });
  });

  describe('eliminateDeadNodes', function () {
    it('drops nodes no output needs, keeps inputs', function () {
      const g = graph([input('x', 2), input('unused', 2), relu('r', 'x', 2), relu('dead', 'x', 2), linear('y', 'Gemm', ['r'], 1, [[1, 1]])], ['y']);
      assert.deepEqual(eliminateDeadNodes(g).nodes.map((n) => n.name), ['x', 'unused', 'r', 'y']);
    });
  });

  describe('fuseGatherIntoWindows', function () {
    const padRows = [[0, 0], [1, 0], [0, 1], [0, 0]];
    const windows = [Int32Array.from([0, 1]), Int32Array.from([1, 2]), Int32Array.from([2, 3])];
    it('re-indexes mean windows through a zero Pad, keeping the divisor', function () {
      const g = graph(
        [input('x', 2), relu('r', 'x', 2), linear('p', 'Pad', ['r'], 4, padRows), { op: 'mean', name: 'm', origin: 'm', shape: [1, 3], input: 'p', windows, divisor: Int32Array.from([2, 2, 2]) }],
        ['m'],
      );
      const f = fuseGatherIntoWindows(g);
      validateGraph(f);
      assert.deepEqual(kinds(f), ['input', 'relu', 'mean']);
      const m = f.nodes[2];
      assert.ok(m.op === 'mean');
      assert.deepEqual(m.windows.map((w) => Array.from(w)), [[0], [0, 1], [1]]);
      assert.deepEqual(Array.from(m.divisor), [2, 2, 2]);
      assertSameOutputs(g, f);
    });

    it('does not drop zero padding from a max window (0 takes part in the max)', function () {
      const g = graph([input('x', 2), linear('p', 'Pad', ['x'], 4, padRows), { op: 'max', name: 'm', origin: 'm', shape: [1, 3], input: 'p', windows }], ['m']);
      assert.deepEqual(kinds(fuseGatherIntoWindows(g)), ['input', 'Pad', 'max']);
    });
  });

  it('optimizeGraph preserves outputs on random graphs and validates after every pass', function () {
    for (let trial = 0; trial < 30; trial++) {
      const nodes: GraphNode[] = [input('x', 4)];
      const names = ['x'];
      for (let i = 0; i < 8; i++) {
        const src = names[Math.floor(Math.abs(rand()) * names.length)];
        const choice = Math.floor(Math.abs(rand()) * 4);
        const name = `n${i}`;
        if (choice === 0) nodes.push(relu(name, src, 4));
        else if (choice === 1) nodes.push(linear(name, 'Gemm', [src], 4, denseRandom(4, 4), [rand(), rand(), rand(), rand()]));
        else if (choice === 2) nodes.push(linear(name, 'Mul', [src], 4, diag([rand(), rand(), rand(), rand()]), [rand(), 0, 0, rand()]));
        else nodes.push(linear(name, 'Transpose', [src], 4, perm([3, 1, 0, 2])));
        names.push(name);
      }
      const g = graph(nodes, [names[names.length - 1], names[3]]);
      const o = optimizeGraph(g);
      assert.ok(o.nodes.length <= g.nodes.length);
      assertSameOutputs(g, o);
    }
  });
});

describe('validateGraph', function () {
  const good = (): Graph => graph([input('x', 2), linear('y', 'Gemm', ['x'], 1, [[1, 2]])], ['y']);
  const broken: [string, (g: Graph) => void, RegExp][] = [
    ['unknown input', (g) => ((g.nodes[1] as LinearNode).inputs = ['z']), /input 'z' is not a graph input or an earlier node/],
    ['duplicate name', (g) => g.nodes.push({ ...g.nodes[1] }), /duplicate node name/],
    ['wrong row count', (g) => (g.nodes[1].shape = [1, 2]), /matrix has 1 rows for 2 outputs/],
    ['wrong column count', (g) => ((g.nodes[1] as LinearNode).matrix.cols = 3), /matrix has 3 columns for 2 input values/],
    ['column out of range', (g) => ((g.nodes[1] as LinearNode).matrix.colIdx[1] = 5), /column 5 out of range/],
    ['bias length', (g) => ((g.nodes[1] as LinearNode).bias = new Float64Array(3)), /bias has 3 values/],
    ['missing output', (g) => (g.outputs = ['nope']), /output 'nope' is not a node/],
    ['inputs list', (g) => (g.inputs = []), /do not match the input nodes/],
    ['empty window', (g) => g.nodes.push({ op: 'max', name: 'm', origin: 'm', shape: [1], input: 'x', windows: [new Int32Array()] }), /window 0 is empty/],
    ['window out of range', (g) => g.nodes.push({ op: 'max', name: 'm', origin: 'm', shape: [1], input: 'x', windows: [Int32Array.from([2])] }), /reads index 2/],
    ['small divisor', (g) => g.nodes.push({ op: 'mean', name: 'm', origin: 'm', shape: [1], input: 'x', windows: [Int32Array.from([0, 1])], divisor: Int32Array.from([1]) }), /divisor 1/],
    ['relu size', (g) => g.nodes.push({ op: 'relu', name: 'r', origin: 'r', shape: [3], input: 'x' }), /input size 2 differs from output size 3/],
  ];
  it('accepts a well-formed graph', function () {
    validateGraph(good());
  });
  for (const [what, breakIt, message] of broken) {
    it(`rejects: ${what}`, function () {
      const g = good();
      breakIt(g);
      assert.throws(() => validateGraph(g, 'test'), (e: unknown) => e instanceof GraphInvariantError && e.code === 'GRAPH_INVALID' && message.test(e.message));
    });
  }
});

describe('runGraph', function () {
  it('evaluates linear, relu, max and mean nodes; `all` returns intermediates', function () {
    const g = graph(
      [
        input('x', 3),
        linear('l', 'Gemm', ['x'], 3, [[1, 0, 0], [0, -1, 0], [1, 1, 1]], [0, 0, 1]),
        relu('r', 'l', 3),
        { op: 'max', name: 'mx', origin: 'mx', shape: [1, 1], input: 'l', windows: [Int32Array.from([0, 1, 2])] },
        { op: 'mean', name: 'mn', origin: 'mn', shape: [1, 1], input: 'r', windows: [Int32Array.from([0, 2])], divisor: Int32Array.from([4]) },
      ],
      ['mx', 'mn'],
    );
    const out = runGraph(g, { x: Float64Array.from([2, 3, -4]) }, { all: true });
    assert.deepEqual(Array.from(out.l), [2, -3, 2]);
    assert.deepEqual(Array.from(out.r), [2, 0, 2]);
    assert.deepEqual(Array.from(out.mx), [2]);
    assert.deepEqual(Array.from(out.mn), [1]);
  });

  it('rejects missing inputs and wrong lengths with InputError', function () {
    const g = graph([input('x', 2), relu('y', 'x', 2)], ['y']);
    assert.throws(() => runGraph(g, {}), InputError);
    assert.throws(() => runGraph(g, { x: new Float64Array(3) }), /has 3 values; shape \[1, 2\] needs 2/);
  });
});
