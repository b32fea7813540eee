/**
 * Off-chain verification with the build's verification key (snarkjs groth16.verify).
 *
 * Inputs are checked first (public-signal count and range, packed-slot ranges, proof points
 * on the curve and in the right subgroup): malformed input is a ProofError with a message;
 * a well-formed proof that does not verify is { valid: false }.
 */
import { readFile } from 'node:fs/promises';
import { ProofError } from '../errors.ts';
import type { Manifest } from '../manifest.ts';
import { loadBuild } from './artifacts.ts';
import { loadSnarkjs, type VerificationKey } from './lib/snarkjs.ts';
import { parseProofFile, readProofFile, validateProof, type ProofFile } from './proofFile.ts';
import { decodePublicSignals, type DecodedPublicSignals, type DecodedTensor } from './publicSignals.ts';

export interface VerifyResult {
  valid: boolean;
  /** Decoded outputs; null when the proof is not valid. */
  outputs: DecodedTensor[] | null;
  inputs: DecodedTensor[] | null;
  commitments: DecodedPublicSignals['commitments'] | null;
  verifyMs: number;
}

export async function verify(buildDir: string, proof: unknown, publicSignals: unknown): Promise<VerifyResult> {
  const build = await loadBuild(buildDir, { needSetup: true, artifacts: ['vkey'] });
  const vkey = JSON.parse(await readFile(build.paths.vkey, 'utf8')) as VerificationKey;
  return verifyWithKey(build.manifest, vkey, proof, publicSignals);
}

/** Verifies a proof file (path or parsed JSON) against the build; the verification keys must match. */
export async function verifyProofFile(buildDir: string, proofFile: string | unknown): Promise<VerifyResult & { file: ProofFile }> {
  const pf = typeof proofFile === 'string' ? await readProofFile(proofFile) : parseProofFile(proofFile);
  const build = await loadBuild(buildDir, { needSetup: true, artifacts: ['vkey'] });
  const setup = build.manifest.setup as NonNullable<Manifest['setup']>;
  if (pf.model.vkeySha256 !== setup.vkeySha256) {
    const sameModel = pf.model.onnxSha256 === build.manifest.onnx.sha256;
    throw new ProofError(
      'PROOF_VKEY_MISMATCH',
      `the proof was made with verification key ${pf.model.vkeySha256.slice(0, 16)}… but ${buildDir} has ${setup.vkeySha256.slice(0, 16)}… (${sameModel ? 'same model, different trusted setup' : `different model: proof for "${pf.model.name}"`})`,
      { fix: 'verify against the build that made the proof, or prove again with this build' },
    );
  }
  const vkey = JSON.parse(await readFile(build.paths.vkey, 'utf8')) as VerificationKey;
  return { ...(await verifyWithKey(build.manifest, vkey, pf.proof, pf.publicSignals)), file: pf };
}

export async function verifyWithKey(manifest: Manifest, vkey: VerificationKey, proof: unknown, publicSignals: unknown): Promise<VerifyResult> {
  const t0 = performance.now();
  if (!Array.isArray(publicSignals)) throw new ProofError('PUBLIC_SIGNALS_FORMAT', 'publicSignals must be an array of decimal strings');
  if (vkey.nPublic !== manifest.publicSignals.total) {
    throw new ProofError('VKEY_LAYOUT_MISMATCH', `the verification key has ${vkey.nPublic} public signals but the manifest layout has ${manifest.publicSignals.total}`, {
      fix: 'the build is inconsistent: run `zkinfer setup` again',
    });
  }
  const decoded = decodePublicSignals(manifest, publicSignals as string[]); // strict: count, field range, slot ranges
  const p = await validateProof(proof);
  const snarkjs = await loadSnarkjs();
  let valid: boolean;
  try {
    valid = await snarkjs.groth16.verify(vkey, publicSignals as string[], p);
  } catch (e) {
    throw new ProofError('VERIFY_FAILED', `verification could not run: ${(e as Error).message}`, { cause: e, fix: 'check the proof and the verification key' });
  }
  return {
    valid,
    outputs: valid ? decoded.outputs : null,
    inputs: valid ? decoded.inputs : null,
    commitments: valid ? decoded.commitments : null,
    verifyMs: performance.now() - t0,
  };
}
