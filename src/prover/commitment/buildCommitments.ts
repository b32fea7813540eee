/**
 * The commitments a build's circuit exposes, computed off-circuit with circomlibjs (so they
 * equal the proof's public signals bit for bit): `zkinfer commit` and the library.
 *
 *  - input  (input 'hashed'):  the quantized input (as the prover encodes it) and the input salt;
 *  - output (output 'hashed'): the outputs of the integer model on that input (the reference
 *    interpreter, with the build's or the given weights) and the output salt;
 *  - weights (weights 'committed'): weights.json's values and salt (or another weights file).
 */
import { readFile } from 'node:fs/promises';
import { ArtifactError, InputError } from '../../errors.ts';
import type { CommitmentRole, Manifest, PackedGroup } from '../../manifest.ts';
import { buildPaths } from '../../paths.ts';
import { deserializeIntGraph } from '../../compiler/integer/serialize.ts';
import { interpretOutputs } from '../../compiler/integer/interpret.ts';
import { applyWeights } from '../../compiler/privacy/weights.ts';
import { quantizeInput } from '../encodeInput.ts';
import { computeCommitment } from './commitment.ts';
import type { Salts } from './salts.ts';
import type { WeightsFile } from './weightsFile.ts';

export interface CommitmentValue {
  role: CommitmentRole;
  /** Index of the public signal that holds it. */
  signal: number;
  value: bigint;
}

export interface CommitOptions {
  /** The model input (any encodeInput form): for the input and output commitments. */
  input?: unknown;
  salts?: Salts;
  /** Committed-weights builds: the weights (for the weights commitment, and the outputs). */
  weights?: WeightsFile;
}

function groupOf(manifest: Manifest, role: CommitmentRole): PackedGroup {
  const g = manifest.publicSignals.groups.find((x) => x.role === role);
  if (!g?.commitment) {
    throw new InputError('NO_COMMITMENT', `${manifest.name} has no ${role} (visibility: input ${manifest.visibility.input}, output ${manifest.visibility.output}, weights ${manifest.visibility.weights})`, {
      fix: 'compile with --input hashed, --output hashed or --weights committed',
    });
  }
  return g;
}

const saltFor = (s: Salts | undefined, k: keyof Salts): bigint => {
  const v = s?.[k];
  if (v === undefined) throw new InputError('SALT_MISSING', `the ${k} commitment is salted: no ${k} salt was given`, { fix: 'pass --salt <file>' });
  return v;
};

export async function commitWeights(manifest: Manifest, weights: WeightsFile): Promise<CommitmentValue> {
  const g = groupOf(manifest, 'weightsCommitment');
  return { role: g.role as CommitmentRole, signal: g.firstSignal, value: await computeCommitment(g.commitment!, weights.values, weights.salt) };
}

export async function commitInput(manifest: Manifest, input: unknown, salt: bigint): Promise<CommitmentValue> {
  const g = groupOf(manifest, 'inputCommitment');
  const q = quantizeInput(manifest, input).flat();
  return { role: 'inputCommitment', signal: g.firstSignal, value: await computeCommitment(g.commitment!, q, salt) };
}

/** The output commitment: runs the integer model (model.int.json of `buildDir`) on the input. */
export async function commitOutput(buildDir: string, manifest: Manifest, input: unknown, salt: bigint, weights?: WeightsFile): Promise<CommitmentValue> {
  const g = groupOf(manifest, 'outputCommitment');
  const file = buildPaths(buildDir).intModel;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ArtifactError('ARTIFACT_MISSING', `${file} is missing`, { cause: e, fix: 'recompile with `zkinfer compile`' });
  }
  let graph = deserializeIntGraph(text);
  if (manifest.weights && weights) graph = applyWeights(graph, manifest.weights, weights.values);
  const q = quantizeInput(manifest, input);
  const outputs = interpretOutputs(graph, Object.fromEntries(graph.inputs.map((n, i) => [n, q[i]])));
  return { role: 'outputCommitment', signal: g.firstSignal, value: await computeCommitment(g.commitment!, outputs.flat(), salt) };
}

/** Every commitment of the build that `opts` determines, in public-signal order. */
export async function buildCommitments(buildDir: string, manifest: Manifest, opts: CommitOptions): Promise<CommitmentValue[]> {
  const out: CommitmentValue[] = [];
  if (opts.input !== undefined) {
    if (manifest.visibility.output === 'hashed') out.push(await commitOutput(buildDir, manifest, opts.input, saltFor(opts.salts, 'output'), opts.weights));
    if (manifest.visibility.input === 'hashed') out.push(await commitInput(manifest, opts.input, saltFor(opts.salts, 'input')));
  }
  if (opts.weights && manifest.visibility.weights === 'committed') out.push(await commitWeights(manifest, opts.weights));
  return out.sort((a, b) => a.signal - b.signal);
}
