/**
 * External linear layers: how a large linear layer reaches the circuit without circom ever
 * seeing its weights (issue 6, design §3 soundness rules).
 *
 * Why: the default renderer writes each linear layer's weights as circom `var` array literals,
 * and circom2 (WebAssembly, 4 GB address space) needs time and memory superlinear in their
 * number: a 784→128 layer (100k weights) takes 6–40 s, 784-1024-1024-10 runs out of memory.
 *
 * How, for a linear node y = W·x + b chosen here (`externalLinearNodes`):
 *  - the renderer declares its outputs as private inputs of main, `signal input xacc<i>[rows]`
 *    (i = the node's index in the integer graph), and gives every input element a wire,
 *    `signal xin<i>[cols]; xin<i>[c] <== x[c];`, then uses xacc<i> as the layer's output;
 *  - after circom, `appendExternalLinear` adds one linear constraint per row to the .r1cs:
 *        (Σ_e W[r,e]·xin<i>[col_e] + b[r] − xacc<i>[r]) · 1 = 0
 *    with wires from the .sym file (and circom's substitutions, below). Together with circom's own constraints this pins
 *    every xacc value to W·x + b exactly: a forged accumulator has no satisfying witness;
 *  - the prover computes the xacc values with the integer interpreter (src/prover/witnessInputs.ts)
 *    and passes them to the witness calculator beside `in`.
 * Circuits with external layers compile at --O1 (EXTERNAL_LINEAR_OPTIMIZE): --O2 substitutes
 * away signals defined by linear constraints and then drops signals left in no constraint, and
 * private inputs among them (accumulators that only feed a packed output) would have no wire at
 * all. At --O1 only signal = signal (or constant) equalities merge; the .sym file marks the
 * merged-away side −1, so circom also writes its substitutions (--simplification_substitution)
 * and circom/wireMap.ts resolves every referenced signal to its wire (or a linear combination
 * of wires); a signal that cannot be resolved is an error, never skipped.
 */
import { CircuitError, InputError } from '../../errors.ts';
import { WireMap, type WireTerms } from '../circom/wireMap.ts';
import { appendR1csConstraints } from '../circom/r1csWriter.ts';
import { readR1csSummary, type R1csConstraint } from '../circom/r1csFile.ts';
import type { IntGraph, IntLinear } from '../integer/ir.ts';

/** How linear layers reach the circuit: as circom constants, as appended r1cs rows, or by size. */
export type LinearMode = 'auto' | 'circom' | 'external';
export const LINEAR_MODES: readonly LinearMode[] = ['auto', 'circom', 'external'];

/**
 * 'auto' makes a layer external from this many weights (matrix entries) up. Below it circom's
 * constants cost seconds and --O2 makes the layer free (no constraint, no xin wires); above it
 * circom's time and memory grow fast (784×128 = 100k entries: 6–40 s; 1.8M: out of memory).
 */
export const EXTERNAL_LINEAR_THRESHOLD = 1 << 15;
/** 'auto' also keeps the weights left to circom, summed over layers, under this budget (largest layers go external first). */
export const CIRCOM_WEIGHTS_BUDGET = 1 << 16;

/** One external layer, as the manifest records it (circuit.externalLinear.layers). */
export interface ExternalLayer {
  /** Integer-graph node name. */
  node: string;
  /** Main's private input holding the layer's outputs (accumulators), e.g. 'xacc3'. */
  signal: string;
  /** The signal array wiring the layer's input elements, e.g. 'xin3'. */
  inputSignal: string;
  rows: number;
  cols: number;
  entries: number;
}

const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * circom optimisation level of circuits with external layers (see the header): at --O2 circom
 * drops private inputs that end up in no constraint, e.g. all but one accumulator of a row
 * packed into a public output, so those values would have no wire at all.
 */
export const EXTERNAL_LINEAR_OPTIMIZE = 1 as const;

export const accSignal = (index: number): string => `xacc${index}`;
export const inputSignal = (index: number): string => `xin${index}`;

/**
 * The linear nodes to render externally, in graph order. `skip` excludes nodes another renderer
 * owns (committed weights). 'circom' → none; 'external' → all; 'auto' → those with at least
 * EXTERNAL_LINEAR_THRESHOLD entries, then the largest others until the entries left to circom
 * fit CIRCOM_WEIGHTS_BUDGET.
 */
export function externalLinearNodes(graph: IntGraph, mode: LinearMode = 'auto', skip: (node: IntLinear) => boolean = () => false): ExternalLayer[] {
  if (!LINEAR_MODES.includes(mode)) {
    throw new InputError('OPTION_RANGE', `unknown linear mode '${String(mode)}'`, { fix: `use one of ${LINEAR_MODES.join(', ')}` });
  }
  if (mode === 'circom') return [];
  const linear = graph.nodes.filter((n): n is IntLinear => n.op === 'linear' && !skip(n));
  const chosen = new Set<string>();
  if (mode === 'external') for (const n of linear) chosen.add(n.name);
  else {
    for (const n of linear) if (n.matrix.values.length >= EXTERNAL_LINEAR_THRESHOLD) chosen.add(n.name);
    let left = linear.filter((n) => !chosen.has(n.name)).reduce((a, n) => a + n.matrix.values.length, 0);
    for (const n of [...linear].filter((m) => !chosen.has(m.name)).sort((a, b) => b.matrix.values.length - a.matrix.values.length)) {
      if (left <= CIRCOM_WEIGHTS_BUDGET) break;
      chosen.add(n.name);
      left -= n.matrix.values.length;
    }
  }
  const out: ExternalLayer[] = [];
  graph.nodes.forEach((node, i) => {
    if (node.op !== 'linear' || !chosen.has(node.name)) return;
    out.push({
      node: node.name,
      signal: accSignal(i),
      inputSignal: inputSignal(i),
      rows: node.matrix.rows,
      cols: node.matrix.cols,
      entries: node.matrix.values.length,
    });
  });
  return out;
}

/**
 * The circom lines of an external layer (renderCircom's `linear` case): `x` is the var holding
 * the layer's input expressions, `v` the var that receives its outputs.
 */
export function renderExternalLinear(layer: ExternalLayer, x: string, v: string): string[] {
  const { signal, inputSignal: xin, rows, cols, entries } = layer;
  return [
    `// external linear layer (${entries} weights): rows appended to the r1cs after circom (externalLinear.ts)`,
    `signal input ${signal}[${rows}];`,
    `signal ${xin}[${cols}];`,
    `for (var c = 0; c < ${cols}; c++) ${xin}[c] <== ${x}[c];`,
    `for (var r = 0; r < ${rows}; r++) ${v}[r] = ${signal}[r];`,
  ];
}

/** Signal `main.<name>` as wire terms, or a CircuitError naming the layer. */
function termsOf(wires: WireMap, name: string, layer: ExternalLayer): WireTerms {
  try {
    return wires.terms(`main.${name}`);
  } catch (e) {
    throw new CircuitError('EXTERNAL_LINEAR_WIRE', `signal ${name} of external linear layer '${layer.node}' has no wire: ${(e as Error).message}`, {
      cause: e,
      fix: 'compile with circom substitutions (compile() does); if it persists, use linearMode "circom"',
    });
  }
}

/**
 * The appended constraints of the external layers. Wires come from the .sym file and, for
 * signals circom simplified away, from its substitutions file (circom/wireMap.ts): a signal
 * may stand for a linear combination of wires, which is substituted into the row.
 */
export async function externalLinearConstraints(
  graph: IntGraph,
  layers: readonly ExternalLayer[],
  symFile: string,
  substitutionsFile?: string,
  prime: bigint = BN254_R,
): Promise<R1csConstraint[]> {
  const wires = await WireMap.load(symFile, substitutionsFile, prime);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const constraints: R1csConstraint[] = [];
  for (const layer of layers) {
    const node = byName.get(layer.node);
    if (!node || node.op !== 'linear') throw new CircuitError('EXTERNAL_LINEAR_NODE', `external linear layer '${layer.node}' is not a linear node of the model`);
    const m = node.matrix;
    const xin = Array.from({ length: m.cols }, (_, c) => termsOf(wires, `${layer.inputSignal}[${c}]`, layer));
    // Fast path: input elements that are single wires with coefficient 1 (the usual case).
    const single = xin.map((t) => (t.size === 1 && [...t.values()][0] === 1n ? [...t.keys()][0] : -1));
    for (let r = 0; r < m.rows; r++) {
      const row = new Map<number, bigint>();
      const add = (w: number, c: bigint): void => {
        row.set(w, (row.get(w) ?? 0n) + c);
      };
      for (let e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
        const c = m.colIdx[e];
        const w = m.values[e];
        if (single[c] >= 0) add(single[c], w);
        else for (const [wire, k] of xin[c]) add(wire, w * k);
      }
      add(0, node.bias[r]);
      for (const [wire, k] of termsOf(wires, `${layer.signal}[${r}]`, layer)) add(wire, -k);
      const ws: number[] = [];
      const cs: bigint[] = [];
      for (const [wire, k] of row) {
        const v = ((k % prime) + prime) % prime;
        if (v !== 0n) {
          ws.push(wire);
          cs.push(v);
        }
      }
      constraints.push({ a: { wires: ws, coeffs: cs }, b: { wires: [0], coeffs: [1n] }, c: { wires: [], coeffs: [] } });
    }
  }
  return constraints;
}

/** The post-pass: appends the external layers' rows to `r1csFile`; returns the file's new totals. */
export async function appendExternalLinear(
  graph: IntGraph,
  layers: readonly ExternalLayer[],
  r1csFile: string,
  symFile: string,
  substitutionsFile?: string,
): Promise<{ constraints: number; linearConstraints: number; appended: number }> {
  const prime = (await readR1csSummary(r1csFile)).header.prime;
  const constraints = await externalLinearConstraints(graph, layers, symFile, substitutionsFile, prime);
  await appendR1csConstraints(r1csFile, constraints);
  const summary = await readR1csSummary(r1csFile);
  return { constraints: summary.header.nConstraints, linearConstraints: summary.linearConstraints, appended: constraints.length };
}
