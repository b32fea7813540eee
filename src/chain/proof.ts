/**
 * Proof files and their Solidity calldata. Reads snarkjs's proof.json + public.json (or one JSON holding
 * `{ proof, publicSignals }`), and encodes them the way snarkjs's Groth16 verifier and ZkInferRegistry take
 * them: pi_b's Fp2 coordinates swapped (as `snarkjs zkey export soliditycalldata`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProofError } from '../errors.ts';

/** snarkjs's Groth16 proof JSON. */
export interface SnarkjsProof {
  pi_a: readonly (string | bigint)[];
  pi_b: readonly (readonly (string | bigint)[])[];
  pi_c: readonly (string | bigint)[];
  protocol?: string;
  curve?: string;
}

export interface ProofCalldata {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
  publicSignals: readonly bigint[];
}

const num = (v: unknown, what: string): bigint => {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string' && /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  if (n !== undefined && n >= 0n && n < 1n << 256n) return n;
  throw new ProofError('PROOF_MALFORMED', `${what} is not an unsigned 256-bit integer (${typeof v === 'bigint' ? v : JSON.stringify(v)})`, {
    fix: 'use the proof.json / public.json written by zkinfer prove (or snarkjs)',
  });
};

/** Encodes a snarkjs proof and public signals for `verifyProof` / `submitInference`. */
export function encodeProofCalldata(proof: SnarkjsProof, publicSignals: readonly (string | bigint)[]): ProofCalldata {
  if (!proof || !Array.isArray(proof.pi_a) || !Array.isArray(proof.pi_b) || !Array.isArray(proof.pi_c) || proof.pi_b.length < 2) {
    throw new ProofError('PROOF_MALFORMED', 'not a Groth16 proof: expected pi_a, pi_b, pi_c', { fix: 'pass the proof.json written by zkinfer prove' });
  }
  if (proof.protocol !== undefined && proof.protocol !== 'groth16') {
    throw new ProofError('PROOF_MALFORMED', `the proof is ${proof.protocol}, the on-chain verifier is Groth16`, { fix: 'prove with Groth16' });
  }
  if (!Array.isArray(publicSignals)) {
    throw new ProofError('PROOF_MALFORMED', 'public signals must be an array', { fix: 'pass the public.json written by zkinfer prove' });
  }
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  return {
    a: [num(a[0], 'pi_a[0]'), num(a[1], 'pi_a[1]')],
    b: [
      [num(b[0][1], 'pi_b[0][1]'), num(b[0][0], 'pi_b[0][0]')],
      [num(b[1][1], 'pi_b[1][1]'), num(b[1][0], 'pi_b[1][0]')],
    ],
    c: [num(c[0], 'pi_c[0]'), num(c[1], 'pi_c[1]')],
    publicSignals: publicSignals.map((s, i) => num(s, `public signal ${i}`)),
  };
}

export interface ProofFiles {
  proof: SnarkjsProof;
  publicSignals: string[];
  /** zkinfer proof files name the model they were made for. */
  model?: { name?: string; onnxSha256?: string; vkeySha256?: string };
}

/**
 * Reads a proof: zkinfer's proof file (`{ proof, publicSignals, model }`, as `zkinfer prove` writes it), or
 * snarkjs's proof.json with the public signals in `publicFile` (default: public.json next to it).
 */
export async function readProofFiles(proofFile: string, publicFile?: string): Promise<ProofFiles> {
  const json = await readJson(proofFile);
  if (json && typeof json === 'object' && 'proof' in json && 'publicSignals' in json) {
    const j = json as ProofFiles;
    return { proof: j.proof, publicSignals: j.publicSignals, model: j.model };
  }
  const pub = publicFile ?? join(dirname(proofFile), 'public.json');
  if (!existsSync(pub)) {
    throw new ProofError('PROOF_PUBLIC_MISSING', `no public signals: ${pub} does not exist`, {
      fix: 'pass the public signals file (--public public.json) written next to the proof by zkinfer prove',
    });
  }
  return { proof: json as SnarkjsProof, publicSignals: (await readJson(pub)) as string[] };
}

async function readJson(file: string): Promise<unknown> {
  if (!existsSync(file)) {
    throw new ProofError('PROOF_FILE_MISSING', `${file} does not exist`, { fix: 'pass the proof.json written by zkinfer prove' });
  }
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ProofError('PROOF_MALFORMED', `${file} is not valid JSON`, { fix: 'pass the proof.json written by zkinfer prove', cause: e });
  }
}
