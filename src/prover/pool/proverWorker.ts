/**
 * One ProverPool worker thread: a warm Prover (zkey, witness generator and curve loaded once)
 * that proves jobs one at a time and posts back the proof and public signals.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadFfjavascript } from '../lib/snarkjs.ts';
import { Prover } from '../Prover.ts';
import { shutdown } from '../shutdown.ts';
import { serializeError } from './errors.ts';
import type { MainMessage, WorkerInit, WorkerMessage } from './protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

let prover: Prover;
try {
  if (init.singleThreadCurve) {
    // snarkjs asks ffjavascript for the shared curve (globalThis.curve_bn128): make it single-threaded.
    const ff = await loadFfjavascript();
    (globalThis as unknown as { curve_bn128: unknown }).curve_bn128 = await ff.buildBn128(true);
  }
  prover = await Prover.load(init.buildDir, { witness: init.witness });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'init-failed', error: serializeError(e) });
  await shutdown();
  process.exit(0);
}

port.on('message', async (m: MainMessage) => {
  if (m.type === 'close') {
    await prover.close();
    await shutdown();
    port.close();
    return;
  }
  try {
    const r = await prover.prove(m.input, m.secrets);
    post({ type: 'proved', id: m.id, proof: r.proof, publicSignals: r.publicSignals, witnessMs: r.witnessMs, proveMs: r.proveMs });
  } catch (e) {
    post({ type: 'failed', id: m.id, error: serializeError(e) });
  }
});
