/**
 * Witness inputs beyond the user's: the accumulators of external linear layers
 * (src/compiler/lower/externalLinear.ts). Such a layer's outputs are private inputs of main
 * (`xacc<i>`); the r1cs pins them to W·x + b, so the prover must supply exactly those values.
 * They come from the reference interpreter (integer/interpret.ts) over the build's
 * model.int.json, whose sha256 the manifest records (circuit.externalLinear.intModelSha256).
 */
import { readFile } from 'node:fs/promises';
import { ArtifactError, InputError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { deserializeIntGraph } from '../compiler/integer/serialize.ts';
import { interpret } from '../compiler/integer/interpret.ts';
import type { IntGraph } from '../compiler/integer/ir.ts';
import type { CircuitInput } from './encodeInput.ts';
import { unpackGroup } from './publicSignals.ts';
import { sha256 } from '../util/files.ts';
import { buildPaths } from '../paths.ts';

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The integer model inputs (by name) encoded in circuit input signals `in` or `inPacked`. */
export function modelInputsOf(manifest: Manifest, input: Record<string, unknown>): Record<string, bigint[]> {
  const out: Record<string, bigint[]> = {};
  if (manifest.visibility.input === 'public') {
    const packed = input.inPacked as bigint[] | undefined;
    if (!Array.isArray(packed)) throw new InputError('INPUT_FORM', 'the circuit input has no inPacked signals (public-input build)', { fix: 'encode the input with encodeInput()' });
    const groups = manifest.publicSignals.groups.filter((g) => g.role === 'input');
    const base = manifest.publicSignals.total - groups.reduce((a, g) => a + g.signals, 0);
    const all: bigint[] = new Array(manifest.publicSignals.total).fill(0n);
    packed.forEach((v, i) => (all[base + i] = BigInt(v)));
    for (const g of groups) out[g.tensor] = unpackGroup(all, g);
    return out;
  }
  const flat = input.in as bigint[] | undefined;
  if (!Array.isArray(flat)) throw new InputError('INPUT_FORM', 'the circuit input has no `in` signals', { fix: 'encode the input with encodeInput()' });
  let o = 0;
  for (const enc of manifest.inputs) {
    const n = count(enc.shape);
    out[enc.name] = flat.slice(o, o + n).map((v) => BigInt(v));
    o += n;
  }
  return out;
}

/** Computes the external layers' accumulator inputs of one build. */
export class ExternalAccumulators {
  private constructor(
    private readonly manifest: Manifest,
    /** The integer graph up to the last external layer (later nodes need not run). */
    private readonly graph: IntGraph,
    private readonly layers: NonNullable<Manifest['circuit']['externalLinear']>['layers'],
  ) {}

  /** Undefined when the build has no external linear layer. */
  static async load(buildDir: string, manifest: Manifest): Promise<ExternalAccumulators | undefined> {
    const ext = manifest.circuit.externalLinear;
    if (!ext || ext.layers.length === 0) return undefined;
    const file = buildPaths(buildDir).intModel;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new ArtifactError('ARTIFACT_MISSING', `${file} is missing (this build's external linear layers need it to compute the witness)`, {
        cause: e,
        fix: 'recompile with `zkinfer compile`',
        details: { file },
      });
    }
    if (sha256(text) !== ext.intModelSha256) {
      throw new ArtifactError('ARTIFACT_HASH_MISMATCH', `${file} does not match the manifest (circuit.externalLinear.intModelSha256)`, {
        fix: 'recompile with `zkinfer compile`',
        details: { file, field: 'circuit.externalLinear.intModelSha256' },
      });
    }
    const full = deserializeIntGraph(text);
    const wanted = new Set(ext.layers.map((l) => l.node));
    let last = -1;
    full.nodes.forEach((n, i) => {
      if (wanted.has(n.name)) last = i;
    });
    return new ExternalAccumulators(manifest, { ...full, nodes: full.nodes.slice(0, last + 1), outputs: [] }, ext.layers);
  }

  /** { xacc<i>: accumulators } for circuit input signals `input` (`in` or `inPacked`). */
  signals(input: Record<string, unknown>): Record<string, bigint[]> {
    // BigInt is fast enough here: the 784-1024-1024 accumulators take ~30 ms, the wasm witness ~1 s.
    const values = interpret(this.graph, modelInputsOf(this.manifest, input));
    return Object.fromEntries(this.layers.map((l) => [l.signal, values.get(l.node)!]));
  }
}
