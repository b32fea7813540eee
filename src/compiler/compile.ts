/**
 * compile(): ONNX model → quantized integer model → model.circom → r1cs + wasm, with a
 * manifest (design §1, §5). Stages: parse/import → commute relu/max → calibrate → quantize →
 * measure accuracy → lay out public signals → render → circom (skipped when cached).
 *
 * @example
 * const { manifest } = await compile({ model: 'fixtures/models/digits-mlp/model.onnx', outDir: 'build/mlp',
 *   calibration: 'fixtures/models/digits-mlp/samples.json' });
 * console.log(manifest.circuit.constraints);
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, OnnxParseError } from '../errors.ts';
import { parseFloatSamples, type FloatInputs, type InputSpec } from '../inputJson.ts';
import type { Manifest, PublicLayout, TensorEncoding } from '../manifest.ts';
import { buildPaths, type BuildPaths } from '../paths.ts';
import { layoutPublicSignals } from '../prover/publicSignals.ts';
import { sha256, sha256File, toJson, writeFileAtomic } from '../util/files.ts';
import { TOOLKIT_VERSION } from '../version.ts';
import { circuitsDir, runCircom } from './circom/runCircom.ts';
import type { Graph } from './graph/ir.ts';
import { importOnnx } from './graph/importOnnx.ts';
import { bitLength } from './integer/arith.ts';
import { estimateCost } from './integer/cost.ts';
import type { IntGraph } from './integer/ir.ts';
import { interpretOutputs } from './integer/interpret.ts';
import { serializeIntGraph } from './integer/serialize.ts';
import { circuitTemplateFiles, renderCircom } from './lower/renderCircom.ts';
import { appendExternalLinear, externalLinearNodes, EXTERNAL_LINEAR_OPTIMIZE, type ExternalLayer, type LinearMode } from './lower/externalLinear.ts';
import { calibrate, evaluateFloat } from './quantize/calibrate.ts';
import { encodeScalar } from './quantize/encodeScalar.ts';
import { outputErrorBounds } from './quantize/errorBound.ts';
import { commuteReluMax } from './quantize/commuteReluMax.ts';
import { quantize, type LayerReport } from './quantize/quantize.ts';
import { estimateWithPrivacy } from './privacy/estimate.ts';
import { checkVisibility, privacyLayout } from './privacy/layout.ts';
import { privacyTemplatesFingerprint } from './privacy/templates.ts';
import { blindedOnnxHash, resolveWeightsSalt, writeBuildWeights } from './privacy/buildWeights.ts';

export interface CompileOptions {
  /** Path to the .onnx file. */
  model: string;
  /** Build directory (created). */
  outDir: string;
  /** Calibration samples: a JSON file path or already-parsed JSON (see inputJson.ts for the forms). */
  calibration?: string | unknown;
  /** Input range assumed when no calibration samples are given (default [-1, 1]). */
  inputRange?: [number, number];
  inputBits?: number;
  weightBits?: number;
  activationBits?: number;
  /** Fixed scale exponent for inputs and activations instead of calibrated ones. */
  scale?: number;
  /** 'hashed': private input with a public Poseidon commitment (design §4). */
  input?: 'private' | 'public' | 'hashed';
  /** 'hashed': private outputs with a public Poseidon commitment. */
  output?: 'public' | 'hashed';
  /** 'committed': weights as private inputs with a public Poseidon commitment (writes <build>/weights.json). */
  weights?: 'constant' | 'committed';
  /**
   * How linear layers reach the circuit (lower/externalLinear.ts): 'circom' as constants in the
   * source (free at --O2), 'external' as r1cs rows appended after circom (one constraint per
   * row, no weights for circom to hold), 'auto' (default) external for large layers only.
   */
  linearMode?: LinearMode;
  /** Salt of the weights commitment (default: kept from an existing weights.json, else random). */
  weightsSalt?: bigint;
  /** Recompile even when the build is up to date. */
  force?: boolean;
  onProgress?: (stage: string) => void;
}

export interface CompileResult {
  manifest: Manifest;
  paths: BuildPaths;
  /** True when circom was skipped because the build already matched. */
  cached: boolean;
  intGraph: IntGraph;
  graph: Graph;
  /** Estimated constraints per node (the cost model). */
  estimate: ReturnType<typeof estimateCost>;
}

export const DEFAULTS = {
  inputBits: 8, weightBits: 8, activationBits: 8,
  input: 'private' as 'private' | 'public' | 'hashed',
  output: 'public' as 'public' | 'hashed',
  weights: 'constant' as 'constant' | 'committed',
};

export async function compile(options: CompileOptions): Promise<CompileResult> {
  const opts = withDefaults(options);
  const progress = opts.onProgress ?? (() => {});
  validateWidths(opts);
  const visibility = { input: opts.input, output: opts.output, weights: opts.weights };
  checkVisibility(visibility);
  progress('parse');
  const modelPath = resolve(opts.model);
  if (!existsSync(modelPath)) {
    throw new OnnxParseError('ONNX_NOT_FOUND', `model file not found: ${opts.model}`, { fix: 'check the path to the .onnx file' });
  }
  const bytes = new Uint8Array(await readFile(modelPath));
  const graph = commuteReluMax(importOnnx(bytes));
  const specs: InputSpec[] = graph.inputs.map((name) => ({ name, shape: graph.nodes.find((n) => n.name === name)!.shape }));

  progress('calibrate');
  const samples = await loadSamples(opts.calibration, specs, opts.inputRange);
  const ranges = calibrate(graph, samples.inputs);
  progress('quantize');
  const { graph: intGraph, layers, weights } = quantize(graph, ranges, opts);
  const errorBounds = outputErrorBounds(graph, intGraph, ranges, layers as unknown as Record<string, unknown>[]);
  const accuracy = samples.real ? measureAccuracy(graph, intGraph, samples.inputs) : undefined;

  const layout = privacyLayout(intGraph, visibility, weights);
  const external = externalLinearNodes(intGraph, opts.linearMode ?? 'auto', (n) => opts.weights === 'committed' && !!weights?.nodes.some((w) => w.name === n.name));
  const source = renderCircom(intGraph, { inputVisibility: opts.input, layout, weights: opts.weights === 'committed' ? weights : undefined, external });
  // External layers' weights are not in the source: the integer model joins the cache key.
  const externalKey = external.length > 0 ? sha256(serializeIntGraph(intGraph)) : '';
  const sourceSha256 = sha256(source + (await templatesFingerprint()) + (await privacyTemplatesFingerprint(source)) + externalKey);
  const estimate = estimateWithPrivacy(intGraph, visibility, layout, weights);
  const paths = buildPaths(resolve(opts.outDir));
  const byName = new Map(intGraph.nodes.map((n) => [n.name, n]));
  const encoding = (name: string, bits?: number): TensorEncoding => {
    const n = byName.get(name)!;
    return {
      name, shape: n.shape, scale: n.scale, zeroPoint: n.zeroPoint.toString(), lo: n.lo.toString(), hi: n.hi.toString(),
      bits: bits ?? Math.max(1, bitLength(n.hi - n.lo)),
      ...(n.op === 'input' && n.step !== undefined ? { step: n.step } : {}),
    };
  };
  const weightsSalt = opts.weights === 'committed' ? await resolveWeightsSalt(paths.dir, opts.weightsSalt) : undefined;
  const manifestBase = {
    toolkit: { name: 'zkinfer' as const, version: TOOLKIT_VERSION },
    name: basename(paths.dir),
    onnx: weightsSalt === undefined
      ? { file: basename(modelPath), sha256: sha256(bytes), opset: graph.opset }
      : { file: basename(modelPath), sha256: blindedOnnxHash(bytes, weightsSalt), opset: graph.opset, blinded: true },
    options: {
      inputBits: opts.inputBits, weightBits: opts.weightBits, activationBits: opts.activationBits,
      scale: opts.scale ?? null, input: opts.input, output: opts.output, weights: opts.weights, calibration: samples.description,
      linearMode: opts.linearMode ?? 'auto',
    },
    visibility,
    ...(opts.weights === 'committed' && weights ? { weights } : {}),
    inputs: intGraph.inputs.map((n) => encoding(n, (byName.get(n) as { bits: number }).bits)),
    outputs: intGraph.outputs.map((n, i) => ({
      ...encoding(n), name: graph.outputs[i],
      errorBound: errorBounds[i],
      ...(graph.postprocess?.[graph.outputs[i]] ? { postprocess: graph.postprocess[graph.outputs[i]] } : {}),
    })),
    publicSignals: layout,
    quantization: { layers: layers as unknown as Record<string, unknown>[], ...(accuracy ? { accuracy } : {}) },
  };

  const cached = !opts.force && (await upToDate(paths, sourceSha256));
  let circuit: Manifest['circuit'];
  let setup: Manifest['setup'];
  if (cached) {
    const old = JSON.parse(await readFile(paths.manifest, 'utf8')) as Manifest;
    circuit = old.circuit;
    setup = old.setup;
    progress('cached');
  } else {
    progress('circom');
    circuit = await buildCircuit(paths, source, sourceSha256, intGraph, opts.input, external);
  }
  const manifest: Manifest = { ...manifestBase, circuit, ...(setup ? { setup } : {}) };
  await writeFileAtomic(paths.manifest, toJson(manifest));
  if (manifest.weights) await writeBuildWeights(paths.dir, manifest, intGraph, weightsSalt!);
  progress('done');
  return { manifest, paths, cached, intGraph, graph, estimate };
}

/** Options with defaults filled in (an option given as undefined takes its default). */
export function withDefaults<T extends object>(options: T): typeof DEFAULTS & T {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULTS, ...given } as typeof DEFAULTS & T;
}

function validateWidths(o: { inputBits: number; weightBits: number; activationBits: number; scale?: number }): void {
  for (const [k, v, lo, hi] of [
    ['input-bits', o.inputBits, 1, 64],
    ['weight-bits', o.weightBits, 2, 32],
    ['activation-bits', o.activationBits, 1, 64],
  ] as const) {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new InputError('OPTION_RANGE', `--${k} must be an integer from ${lo} to ${hi}, got ${v}`, { fix: `pass --${k} ${Math.min(Math.max(8, lo), hi)}` });
    }
  }
  if (o.scale !== undefined && (!Number.isInteger(o.scale) || o.scale < 0 || o.scale > 32)) {
    throw new InputError('OPTION_RANGE', `--scale must be an integer from 0 to 32, got ${o.scale}`, { fix: 'pass e.g. --scale 7, or leave it out to calibrate' });
  }
}

interface Samples {
  inputs: FloatInputs[];
  /** False for synthetic samples: accuracy is not measured on them. */
  real: boolean;
  description: string;
}

export async function loadSamples(cal: unknown, specs: InputSpec[], range: [number, number] = [-1, 1]): Promise<Samples> {
  if (cal === undefined) {
    // No data: uniform samples over the assumed input range, seeded for reproducible builds.
    let seed = 0x2545f491;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const inputs = Array.from({ length: 64 }, (_, k) =>
      Object.fromEntries(
        specs.map((s) => {
          const v = Float64Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, rnd).map((x) => range[0] + x * (range[1] - range[0]));
          if (k === 0) v.fill(range[0]);
          if (k === 1) v.fill(range[1]);
          return [s.name, v];
        }),
      ),
    );
    return { inputs, real: false, description: `synthetic uniform [${range}]` };
  }
  let json = cal;
  let where = 'calibration';
  if (typeof cal === 'string') {
    where = cal;
    if (!existsSync(cal)) throw new InputError('CALIBRATION_NOT_FOUND', `calibration file not found: ${cal}`, { fix: 'check the --calibration path' });
    try {
      json = JSON.parse(await readFile(cal, 'utf8'));
    } catch (e) {
      throw new InputError('CALIBRATION_JSON', `${cal} is not valid JSON: ${(e as Error).message}`, { fix: 'give a JSON file of samples' });
    }
  }
  const inputs = parseFloatSamples(json, specs, where);
  if (inputs.length === 0) throw new InputError('CALIBRATION_EMPTY', `${where} holds no samples`, { fix: 'give at least one sample' });
  return { inputs, real: true, description: typeof cal === 'string' ? basename(cal) : `${inputs.length} samples` };
}

/** Dequantized integer outputs vs the float model over the samples. */
export function measureAccuracy(graph: Graph, intGraph: IntGraph, samples: FloatInputs[]) {
  const inputs = intGraph.inputs.map((n) => intGraph.nodes.find((m) => m.name === n)!);
  let agree = 0;
  let maxAbs = 0;
  let sumAbs = 0;
  let count = 0;
  for (const s of samples) {
    const floatOut = evaluateFloat(graph, s);
    const enc = Object.fromEntries(
      inputs.map((n) => [n.name, Array.from(s[n.name], (x) => clampQ(encodeScalar(x, n), n.lo, n.hi))]),
    );
    const intOut = interpretOutputs(intGraph, enc);
    graph.outputs.forEach((name, i) => {
      const f = floatOut.get(name)!;
      const o = intGraph.nodes.find((m) => m.name === intGraph.outputs[i])!;
      const q = intOut[i].map((v) => Number(v - o.zeroPoint) / 2 ** o.scale);
      for (let j = 0; j < f.length; j++) {
        const d = Math.abs(f[j] - q[j]);
        maxAbs = Math.max(maxAbs, d);
        sumAbs += d;
        count++;
      }
      if (i === 0 && argmax(f) === argmax(q)) agree++;
    });
  }
  return { samples: samples.length, argmaxAgreement: agree / samples.length, maxAbsError: maxAbs, meanAbsError: sumAbs / count };
}

const clampQ = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);
export const argmax = (v: ArrayLike<number>): number => {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
  return b;
};

async function templatesFingerprint(): Promise<string> {
  const parts = await Promise.all(circuitTemplateFiles.map((f) => readFile(join(circuitsDir(), f), 'utf8')));
  return sha256(parts.join('\0'));
}

async function upToDate(paths: BuildPaths, sourceSha256: string): Promise<boolean> {
  if (!existsSync(paths.manifest) || !existsSync(paths.r1cs) || !existsSync(paths.wasm)) return false;
  try {
    const m = JSON.parse(await readFile(paths.manifest, 'utf8')) as Manifest;
    return m.circuit?.sourceSha256 === sourceSha256 && (await sha256File(paths.r1cs)) === m.circuit.r1csSha256;
  } catch {
    return false;
  }
}

/** Runs circom in a staging folder beside the build dir, then moves the results in. */
async function buildCircuit(
  paths: BuildPaths,
  source: string,
  sourceSha256: string,
  intGraph: IntGraph,
  input: 'private' | 'public' | 'hashed',
  external: readonly ExternalLayer[] = [],
): Promise<Manifest['circuit']> {
  await mkdir(dirname(paths.dir), { recursive: true });
  const stage = await mkdtemp(join(dirname(paths.dir), `.${basename(paths.dir)}.stage-`));
  try {
    const mainFile = join(stage, 'model.circom');
    await writeFileAtomic(mainFile, source);
    const intJson = serializeIntGraph(intGraph);
    await writeFileAtomic(join(stage, 'model.int.json'), intJson);
    // External linear layers: rows appended after circom, wires via circom's substitutions (lower/externalLinear.ts).
    const r = await runCircom({ mainFile, outDir: stage, optimize: external.length > 0 ? EXTERNAL_LINEAR_OPTIMIZE : 2, substitutions: external.length > 0 });
    const ext = external.length > 0 ? await appendExternalLinear(intGraph, external, r.r1csFile, r.symFile!, r.substitutionsFile) : undefined;
    if (r.substitutionsFile) await rm(r.substitutionsFile, { force: true });
    await mkdir(paths.dir, { recursive: true });
    // Artifacts of an older circuit (zkey, vkey, verifier) no longer match: remove them.
    for (const f of [paths.zkey, paths.vkey, paths.verifierSol, paths.manifest]) await rm(f, { force: true });
    await rm(join(paths.dir, 'model_js'), { recursive: true, force: true });
    for (const entry of await readdir(stage)) {
      if (entry.startsWith('.')) continue;
      await rm(join(paths.dir, entry), { recursive: true, force: true });
      await rename(join(stage, entry), join(paths.dir, entry));
    }
    void input;
    return {
      constraints: ext?.constraints ?? r.constraints,
      linearConstraints: ext?.linearConstraints ?? r.linearConstraints ?? 0,
      wires: r.wires,
      privateInputs: r.privateInputs,
      publicInputs: r.publicInputs,
      outputs: r.outputs,
      r1csSha256: await sha256File(paths.r1cs),
      sourceSha256,
      circom: r.circomVersion,
      ...(ext ? { externalLinear: { intModelSha256: sha256(intJson), layers: [...external] } } : {}),
    };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
