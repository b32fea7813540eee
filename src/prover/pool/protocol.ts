/**
 * Messages between ProverPool (main thread) and its workers (proverWorker.ts). Values cross
 * threads by structured clone (bigints included); errors travel as plain objects and are
 * rebuilt as the same ZkInferError subclass on the main thread.
 */
import type { Groth16Proof } from '../lib/snarkjs.ts';
import type { PrivateInputs } from '../privateInputs.ts';
import type { WitnessBackend } from '../witness.ts';
import type { CircuitInput } from '../encodeInput.ts';

export interface WorkerInit {
  buildDir: string;
  witness: WitnessBackend;
  /** Build this worker's curve single-threaded (no ffjavascript sub-threads). */
  singleThreadCurve: boolean;
}

export interface ProveJob {
  type: 'prove';
  id: number;
  input: CircuitInput;
  secrets: PrivateInputs;
}

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
  fix?: string;
  details?: Record<string, unknown>;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'proved'; id: number; proof: Groth16Proof; publicSignals: string[]; witnessMs: number; proveMs: number }
  | { type: 'failed'; id: number; error: SerializedError };

export type MainMessage = ProveJob | { type: 'close' };
