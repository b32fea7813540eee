/**
 * ONNX backend node tests (Debian libonnx-testdata: /usr/share/libonnx-testdata/data/node/test_*)
 * run through the compiler: import → calibrate on the test's own input → quantize → integer
 * interpreter (the circuit's semantics), compared with the test's expected outputs.
 *
 *  - Which tests: every single-node test whose op the compiler lowers at runtime (the op
 *    registry's runtime ops). Multi-node tests (`_expanded` function bodies) are not op tests.
 *  - Parameters: the compiler proves models with constant weights, so when a test feeds weights,
 *    scales or bounds as graph inputs they are frozen into initializers (with the test's values);
 *    the first import that succeeds among: nothing frozen, all but input 0, only input 0.
 *  - Float models compare within the error bound the compiler reports (quantize/errorBound.ts)
 *    plus float32 slack; quantized models (integer inputs or QuantizeLinear/QLinear*) compare
 *    exactly, ±1 step where onnxruntime rounds in floating point. A final Softmax/LogSoftmax is
 *    not proved (the circuit outputs its input): it is applied to the dequantized output.
 *  - A test the compiler refuses (unsupported attribute, dtype, constant output...) is skipped
 *    with the compiler's reason; anything else that goes wrong is a failure.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectRoot } from '../../src/compiler/circom/runCircom.ts';
import { ZkInferError } from '../../src/errors.ts';
import type { Graph } from '../../src/compiler/graph/ir.ts';
import { importOnnx } from '../../src/compiler/graph/importOnnx.ts';
import { OPS } from '../../src/compiler/graph/ops/index.ts';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import type { IntGraph, IntInput } from '../../src/compiler/integer/ir.ts';
import { onnx } from '../../src/compiler/parse/onnx-pb.js';
import { decodeTensor, halfBitsToFloat32, toFloat64 } from '../../src/compiler/parse/tensor.ts';
import { dtypeFromCode } from '../../src/compiler/parse/dtypes.ts';
import { calibrate } from '../../src/compiler/quantize/calibrate.ts';
import { commuteReluMax } from '../../src/compiler/quantize/commuteReluMax.ts';
import { encodeScalar } from '../../src/compiler/quantize/encodeScalar.ts';
import { outputErrorBounds } from '../../src/compiler/quantize/errorBound.ts';
import { isQuantizedGraph } from '../../src/compiler/quantize/quantized.ts';
import { quantize } from '../../src/compiler/quantize/quantize.ts';

export const NODE_TEST_DIR = '/usr/share/libonnx-testdata/data/node';

/** Bit widths the conformance runs use: wide enough that the bounds are tight and bugs show. */
export const WIDTHS = { inputBits: 16, weightBits: 16, activationBits: 16 };

export interface NodeTest {
  name: string;
  dir: string;
  op: string;
}

export interface NodeTestResult {
  test: NodeTest;
  status: 'passed' | 'skipped' | 'failed';
  reason?: string;
  /** Inputs frozen into initializers. */
  frozen?: string[];
  /** 'exact' (quantized model) or 'bound' (float model). */
  mode?: 'exact' | 'bound';
  /** Largest |got − expected| and the tolerance it was compared with (per the worst output). */
  maxError?: number;
  tolerance?: number;
  /** Quantized models: share of output values equal to the expected ones. */
  exactRate?: number;
}

/** Single-node tests of the ops the compiler lowers at runtime, by op. */
export function listNodeTests(dir = NODE_TEST_DIR): NodeTest[] {
  if (!existsSync(dir)) return [];
  const runtime = new Set(OPS.runtimeOps());
  const tests: NodeTest[] = [];
  for (const name of readdirSync(dir).filter((n) => n.startsWith('test_')).sort()) {
    const modelFile = join(dir, name, 'model.onnx');
    if (!existsSync(modelFile)) continue;
    const model = onnx.ModelProto.decode(readFileSync(modelFile));
    const nodes = model.graph?.node ?? [];
    if (nodes.length !== 1) continue;
    const op = nodes[0].opType ?? '';
    if ((nodes[0].domain ?? '') !== '' || !runtime.has(op)) continue;
    tests.push({ name, dir: join(dir, name), op });
  }
  return tests;
}

/**
 * A test tensor's values. ONNX 1.12's test data stores float16/bfloat16 tensors as uint16 bit
 * patterns: `asType` (the model's declared element type) says how to read them.
 */
function values(t: onnx.TensorProto, asType?: string): Float64Array {
  const d = decodeTensor(t);
  if ((asType === 'float16' || asType === 'bfloat16') && d.dtype === 'uint16') {
    return Float64Array.from(halfBitsToFloat32(d.data as Uint16Array, asType === 'bfloat16'));
  }
  return toFloat64(d.data);
}

/** Declared element types of a model's graph inputs and outputs, by name. */
function declaredTypes(model: onnx.ModelProto): Map<string, string> {
  const m = new Map<string, string>();
  for (const vi of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    const code = vi.type?.tensorType?.elemType;
    const t = code === undefined || code === null ? undefined : dtypeFromCode(code);
    if (vi.name && t) m.set(vi.name, t);
  }
  return m;
}

function readTensors(dir: string, prefix: 'input' | 'output'): onnx.TensorProto[] {
  const set = join(dir, 'test_data_set_0');
  const out: onnx.TensorProto[] = [];
  for (let i = 0; existsSync(join(set, `${prefix}_${i}.pb`)); i++) out.push(onnx.TensorProto.decode(readFileSync(join(set, `${prefix}_${i}.pb`))));
  return out;
}

/** Reflection types from ONNX's schema (the static code in src/ only decodes). */
const schema = protobuf.loadSync(join(projectRoot(), 'src', 'compiler', 'parse', 'onnx.proto'));
const ModelType = schema.lookupType('onnx.ModelProto');
const TensorType = schema.lookupType('onnx.TensorProto');

/** The model file with the given graph inputs turned into initializers holding the test's values. */
function freeze(dir: string, frozen: Set<number>): Uint8Array {
  const bytes = readFileSync(join(dir, 'model.onnx'));
  if (frozen.size === 0) return bytes;
  const m = ModelType.decode(bytes) as unknown as { graph: { input: { name: string }[]; initializer?: unknown[] } };
  const g = m.graph;
  const initNames = new Set((g.initializer ?? []).map((t) => (t as { name: string }).name));
  const runtimeInputs = g.input.filter((vi) => !initNames.has(vi.name));
  runtimeInputs.forEach((vi, i) => {
    if (!frozen.has(i)) return;
    const t = TensorType.decode(readFileSync(join(dir, 'test_data_set_0', `input_${i}.pb`))) as unknown as { name: string };
    t.name = vi.name;
    g.initializer = [...(g.initializer ?? []), t];
  });
  return ModelType.encode(m as unknown as protobuf.Message).finish();
}

interface Prepared {
  graph: Graph;
  bytes: Uint8Array;
  frozen: string[];
  /** Runtime input values by name (flat). */
  feeds: Record<string, Float64Array>;
}

/** Imports the test model, freezing parameters as needed; a string is the reason it is skipped. */
export function prepare(test: NodeTest): Prepared | string {
  const model = onnx.ModelProto.decode(readFileSync(join(test.dir, 'model.onnx')));
  const inputs = readTensors(test.dir, 'input');
  const types = declaredTypes(model);
  const initNames = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const names = (model.graph?.input ?? []).filter((vi) => !initNames.has(vi.name)).map((vi) => vi.name ?? '');
  const n = names.length;
  const strategies: number[][] = [[], [...Array(n).keys()].filter((i) => i > 0), [0]];
  // The reason reported when no strategy works: the one with the parameters frozen (the model as
  // the compiler would see it), else the first.
  let first: string | undefined;
  let canonical: string | undefined;
  for (const [si, freezeIdx] of strategies.entries()) {
    if (freezeIdx.length === n && n > 0) continue;
    const frozen = new Set(freezeIdx);
    const bytes = freeze(test.dir, frozen);
    try {
      const graph = importOnnx(bytes);
      const feeds: Record<string, Float64Array> = {};
      names.forEach((name, i) => {
        if (!frozen.has(i)) feeds[name] = values(inputs[i], types.get(name));
      });
      if (Object.values(feeds).some((v) => v.some((x) => !Number.isFinite(x)))) return 'the test feeds NaN or ±Infinity, which have no fixed-point encoding';
      const mismatch = graph.inputs.find((name) => feeds[name]?.length !== graph.nodes.find((x) => x.name === name)!.shape.reduce((a, b) => a * b, 1));
      if (mismatch) {
        first ??= `the test's data for input '${mismatch}' does not have the declared shape`;
        continue;
      }
      return { graph, bytes, frozen: freezeIdx.map((i) => names[i]), feeds };
    } catch (err) {
      if (!(err instanceof ZkInferError)) throw err;
      first ??= err.message;
      if (si === 1) canonical = err.message;
    }
  }
  return canonical ?? first ?? 'no runtime input';
}

export interface Compiled {
  graph: Graph;
  intGraph: IntGraph;
  bounds: number[];
  quantized: boolean;
}

export function compileForTest(p: Prepared): Compiled {
  const graph = commuteReluMax(p.graph);
  const ranges = calibrate(graph, [p.feeds]);
  const { graph: intGraph, layers } = quantize(graph, ranges, WIDTHS);
  return { graph, intGraph, bounds: outputErrorBounds(graph, intGraph, ranges, layers as unknown as Record<string, unknown>[]), quantized: isQuantizedGraph(graph) };
}

/** The circuit's integer inputs for the test's feeds (the manifest's encoding). */
export function encodeFeeds(c: Compiled, feeds: Record<string, Float64Array>): Record<string, bigint[]> {
  return Object.fromEntries(
    c.intGraph.inputs.map((name) => {
      const n = c.intGraph.nodes.find((m) => m.name === name) as IntInput;
      return [name, Array.from(feeds[name], (x) => {
        const q = encodeScalar(x, n);
        return q < n.lo ? n.lo : q > n.hi ? n.hi : q;
      })];
    }),
  );
}

/** Dequantized outputs, with a final Softmax/LogSoftmax applied as the verifier side would. */
export function realOutputs(c: Compiled, ints: bigint[][]): Float64Array[] {
  return c.intGraph.outputs.map((name, i) => {
    const o = c.intGraph.nodes.find((m) => m.name === name)!;
    const v = Float64Array.from(ints[i], (q) => Number(q - o.zeroPoint) * 2 ** -o.scale);
    const post = c.graph.postprocess?.[c.graph.outputs[i]];
    return post ? normalize(v, o.shape, post.op, post.axis, post.coerce2d) : v;
  });
}

function normalize(x: Float64Array, shape: number[], op: 'Softmax' | 'LogSoftmax', axis: number, coerce2d: boolean): Float64Array {
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const [outer, len, inner] = coerce2d ? [size(shape.slice(0, axis)), size(shape.slice(axis)), 1] : [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))];
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number): number => (o * len + k) * inner + i;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, x[at(k)]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(x[at(k)] - m);
      for (let k = 0; k < len; k++) out[at(k)] = op === 'Softmax' ? Math.exp(x[at(k)] - m) / sum : x[at(k)] - m - Math.log(sum);
    }
  }
  return out;
}

export function runNodeTest(test: NodeTest): NodeTestResult {
  let p: Prepared | string;
  try {
    p = prepare(test);
  } catch (err) {
    return { test, status: 'failed', reason: `import threw: ${(err as Error).message}` };
  }
  if (typeof p === 'string') return { test, status: 'skipped', reason: p };
  let c: Compiled;
  try {
    c = compileForTest(p);
  } catch (err) {
    if (err instanceof ZkInferError) return { test, status: 'skipped', reason: err.message, frozen: p.frozen };
    return { test, status: 'failed', reason: `compile threw: ${(err as Error).stack}`, frozen: p.frozen };
  }
  const model = onnx.ModelProto.decode(readFileSync(join(test.dir, 'model.onnx')));
  const types = declaredTypes(model);
  const outNames = (model.graph?.output ?? []).map((o) => o.name ?? '');
  const expected = readTensors(test.dir, 'output').map((t, k) => values(t, types.get(outNames[k])));
  let got: Float64Array[];
  try {
    got = realOutputs(c, interpretOutputs(c.intGraph, encodeFeeds(c, p.feeds)));
  } catch (err) {
    return { test, status: 'failed', reason: `interpreter threw: ${(err as Error).message}`, frozen: p.frozen };
  }
  if (got.length !== expected.length) return { test, status: 'failed', reason: `${got.length} outputs, expected ${expected.length}`, frozen: p.frozen };
  let worst = 0;
  let worstTol = 0;
  let exact = 0;
  let total = 0;
  for (let k = 0; k < got.length; k++) {
    const g = got[k];
    const e = expected[k];
    if (g.length !== e.length) return { test, status: 'failed', reason: `output ${k} has ${g.length} values, expected ${e.length}`, frozen: p.frozen };
    const o = c.intGraph.nodes.find((m) => m.name === c.intGraph.outputs[k])!;
    const post = c.graph.postprocess?.[c.graph.outputs[k]];
    const scaleMag = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // Exact mode: one step of the output (onnxruntime's float rounding), in real units.
    const step = 2 ** -o.scale;
    const lip = post ? (post.op === 'Softmax' ? 0.5 : 2) : 1;
    const tol = c.quantized ? step * (1 + 1e-9) * lip + 1e-6 * scaleMag : lip * c.bounds[k] + 1e-5 * (1 + scaleMag);
    for (let i = 0; i < g.length; i++) {
      const d = Math.abs(g[i] - e[i]);
      if (!(d <= tol)) {
        return {
          test, status: 'failed', frozen: p.frozen, mode: c.quantized ? 'exact' : 'bound', maxError: d, tolerance: tol,
          reason: `output ${k}[${i}] = ${g[i]}, expected ${e[i]} (|Δ| ${d.toExponential(3)} > tolerance ${tol.toExponential(3)})`,
        };
      }
      if (d / tol > worst / (worstTol || 1)) {
        worst = d;
        worstTol = tol;
      }
      total++;
      if (d <= 1e-6 * (1 + Math.abs(e[i])) || (c.quantized && d < step / 2)) exact++;
    }
  }
  return { test, status: 'passed', frozen: p.frozen, mode: c.quantized ? 'exact' : 'bound', maxError: worst, tolerance: worstTol, exactRate: total ? exact / total : 1 };
}

export interface OpSummary {
  op: string;
  passed: number;
  skipped: string[];
  failed: string[];
}

export function summarize(results: NodeTestResult[]): OpSummary[] {
  const byOp = new Map<string, OpSummary>();
  for (const r of results) {
    const s = byOp.get(r.test.op) ?? { op: r.test.op, passed: 0, skipped: [], failed: [] };
    if (r.status === 'passed') s.passed++;
    else if (r.status === 'skipped') s.skipped.push(r.test.name);
    else s.failed.push(r.test.name);
    byOp.set(r.test.op, s);
  }
  return [...byOp.values()].sort((a, b) => a.op.localeCompare(b.op));
}

/** Ops the compiler lowers at runtime that have no single-node backend test in the data. */
export function untestedOps(tests: NodeTest[]): string[] {
  const seen = new Set(tests.map((t) => t.op));
  return OPS.runtimeOps().filter((o) => !seen.has(o));
}

/** The per-op table, skipped tests by name with their reasons. */
export function report(results: NodeTestResult[]): string {
  const lines: string[] = [];
  const sum = summarize(results);
  lines.push(`ONNX backend node tests (${NODE_TEST_DIR}), per op: passed / skipped / failed`);
  for (const s of sum) lines.push(`  ${s.op.padEnd(20)} ${String(s.passed).padStart(3)} passed  ${String(s.skipped.length).padStart(3)} skipped  ${String(s.failed.length).padStart(3)} failed`);
  const passed = results.filter((r) => r.status === 'passed').length;
  const skipped = results.filter((r) => r.status === 'skipped');
  const failed = results.filter((r) => r.status === 'failed');
  lines.push(`  total: ${passed} passed, ${skipped.length} skipped, ${failed.length} failed (${results.length} tests, ${sum.length} ops)`);
  if (skipped.length) {
    lines.push('  skipped:');
    for (const r of skipped) lines.push(`    ${r.test.name}: ${oneLine(r.reason)}`);
  }
  if (failed.length) {
    lines.push('  failed:');
    for (const r of failed) lines.push(`    ${r.test.name}: ${oneLine(r.reason, 400)}`);
  }
  return lines.join('\n');
}

/** A compiler message on one line (the unsupported-node list joined). */
function oneLine(reason = '', max = 240): string {
  const parts = reason.split('\n').map((l) => l.trim()).filter(Boolean);
  const body = (parts.length > 1 && /unsupported ONNX node/.test(parts[0]) ? parts.slice(1) : parts).filter((l) => !l.startsWith('supported ops:') && !l.startsWith('also folded'));
  const text = body.join(' | ');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
