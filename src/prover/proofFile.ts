/**
 * Proof files: JSON { proof, publicSignals, model: { name, onnxSha256, vkeySha256 } }.
 *
 * parseProofFile/validateProof check everything a verifier must not trust: JSON shape,
 * decimal coordinates below the base-field modulus, affine points (z = 1) on the curve, and
 * for π_B membership of the order-r subgroup (snarkjs checks only the curve equation).
 * Failures are ProofErrors with a message, never a snarkjs stack trace.
 */
import { readFile } from 'node:fs/promises';
import { ProofError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { toJson, writeFileAtomic } from '../util/files.ts';
import { bn128, type Groth16Proof } from './lib/snarkjs.ts';
import { BN128_Q, BN128_R } from './ptau/ptauFormat.ts';

export interface ProofFile {
  proof: Groth16Proof;
  publicSignals: string[];
  model: { name: string; onnxSha256: string; vkeySha256: string };
}

export function makeProofFile(manifest: Manifest, result: { proof: Groth16Proof; publicSignals: string[] }): ProofFile {
  if (!manifest.setup) throw new ProofError('SETUP_MISSING', 'the build has no trusted setup', { fix: 'run `zkinfer setup`' });
  return {
    proof: result.proof,
    publicSignals: result.publicSignals,
    model: { name: manifest.name, onnxSha256: manifest.onnx.sha256, vkeySha256: manifest.setup.vkeySha256 },
  };
}

export async function writeProofFile(file: string, pf: ProofFile): Promise<void> {
  await writeFileAtomic(file, toJson(pf) + '\n');
}

export async function readProofFile(file: string): Promise<ProofFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ProofError('PROOF_FILE_MISSING', `cannot read the proof file ${file} (${(e as NodeJS.ErrnoException).code ?? e})`, {
      cause: e,
      fix: 'check the path (`zkinfer prove` writes proof.json)',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProofError('PROOF_FILE_INVALID', `${file} is not valid JSON (${(e as Error).message})`, { cause: e, fix: 'use the proof file `zkinfer prove` wrote' });
  }
  return parseProofFile(json, file);
}

/** Checks the proof file's structure (not the points: see validateProof). */
export function parseProofFile(json: unknown, source = 'the proof file'): ProofFile {
  const bad = (why: string): ProofError =>
    new ProofError('PROOF_FILE_INVALID', `${source} is not a zkinfer proof file: ${why}`, { fix: 'use the proof file `zkinfer prove` wrote' });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('not a JSON object');
  const o = json as Record<string, unknown>;
  if (!('proof' in o)) throw bad('missing "proof"');
  if (!('publicSignals' in o)) throw bad('missing "publicSignals"');
  if (!Array.isArray(o.publicSignals)) throw bad('"publicSignals" is not an array');
  const model = o.model as Record<string, unknown> | undefined;
  if (typeof model !== 'object' || model === null) throw bad('missing "model" (name, onnxSha256, vkeySha256)');
  for (const k of ['name', 'onnxSha256', 'vkeySha256']) if (typeof model[k] !== 'string') throw bad(`"model.${k}" is missing`);
  checkProofShape(o.proof);
  return json as ProofFile;
}

const DEC = /^[0-9]{1,80}$/;

function checkProofShape(p: unknown): asserts p is Groth16Proof {
  const bad = (why: string): ProofError => new ProofError('PROOF_MALFORMED', `malformed proof: ${why}`, { fix: 'use the proof exactly as `zkinfer prove` wrote it' });
  if (typeof p !== 'object' || p === null) throw bad('"proof" is not an object');
  const o = p as Record<string, unknown>;
  if (o.protocol !== undefined && o.protocol !== 'groth16') throw bad(`protocol ${JSON.stringify(o.protocol)}, expected "groth16"`);
  if (o.curve !== undefined && o.curve !== 'bn128') throw bad(`curve ${JSON.stringify(o.curve)}, expected "bn128"`);
  const coord = (v: unknown, what: string): void => {
    if (typeof v !== 'string' || !DEC.test(v)) throw bad(`${what} is not a decimal string`);
    if (BigInt(v) >= BN128_Q) throw bad(`${what} is not below the BN254 base-field modulus`);
  };
  for (const k of ['pi_a', 'pi_c']) {
    const a = o[k];
    if (!Array.isArray(a) || a.length !== 3) throw bad(`${k} must be [x, y, "1"]`);
    coord(a[0], `${k}[0]`);
    coord(a[1], `${k}[1]`);
    if (a[2] !== '1') throw bad(`${k}[2] must be "1" (affine point)`);
  }
  const b = o.pi_b;
  if (!Array.isArray(b) || b.length !== 3 || !b.every((e) => Array.isArray(e) && e.length === 2)) throw bad('pi_b must be [[x0, x1], [y0, y1], ["1", "0"]]');
  coord(b[0][0], 'pi_b[0][0]');
  coord(b[0][1], 'pi_b[0][1]');
  coord(b[1][0], 'pi_b[1][0]');
  coord(b[1][1], 'pi_b[1][1]');
  if (b[2][0] !== '1' || b[2][1] !== '0') throw bad('pi_b[2] must be ["1", "0"] (affine point)');
}

/** Structure + curve membership of π_A, π_C (G1) and π_B (G2, including the subgroup). */
export async function validateProof(proof: unknown): Promise<Groth16Proof> {
  checkProofShape(proof);
  const curve = await bn128();
  const bad = (why: string): ProofError => new ProofError('PROOF_NOT_ON_CURVE', `invalid proof: ${why}`, { fix: 'the proof was altered or corrupted: prove again' });
  const g1 = (a: string[], name: string): void => {
    const P = curve.G1.fromObject([BigInt(a[0]), BigInt(a[1]), 1n]);
    if (curve.G1.isZero(P) || !curve.G1.isValid(P)) throw bad(`${name} is not a point of BN254 G1`);
  };
  g1(proof.pi_a, 'pi_a');
  g1(proof.pi_c, 'pi_c');
  const B = curve.G2.fromObject([
    [BigInt(proof.pi_b[0][0]), BigInt(proof.pi_b[0][1])],
    [BigInt(proof.pi_b[1][0]), BigInt(proof.pi_b[1][1])],
    [1n, 0n],
  ]);
  if (curve.G2.isZero(B) || !curve.G2.isValid(B)) throw bad('pi_b is not a point of the BN254 G2 twist');
  if (!curve.G2.isZero(curve.G2.timesScalar(B, BN128_R))) throw bad('pi_b is not in the order-r subgroup of G2');
  return proof;
}
