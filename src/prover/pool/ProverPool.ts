/**
 * ProverPool: N worker threads, each a warm Prover (zkey, witness generator and BN254 curve
 * loaded once), behind one promise-returning `prove()` that is safe to call concurrently
 * (design §7, issue 6). Jobs queue on the main thread and go to the first idle worker, so one
 * worker computes a witness (and snarkjs's single-threaded parts) while another runs its
 * multi-exponentiations.
 *
 * Inputs are encoded and checked on the main thread (a bad input rejects at once, with the
 * same InputError as Prover); public signals are decoded there too. Errors raised in a worker
 * come back as the same ZkInferError subclass. A worker that dies fails only its own job and
 * is replaced.
 *
 * @example
 * const pool = await ProverPool.create('build/cnn', { workers: 2 });
 * const results = await Promise.all(inputs.map((x) => pool.prove(x)));
 * await pool.close();
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { ProofError } from '../../errors.ts';
import type { Manifest } from '../../manifest.ts';
import { loadBuild } from '../artifacts.ts';
import { readWeightsFile, weightsFileOf } from '../commitment/weightsFile.ts';
import { encodeInput, isCircuitInput, type CircuitInput } from '../encodeInput.ts';
import { privateSignals, type PrivateInputs } from '../privateInputs.ts';
import { makeProofFile, type ProofFile } from '../proofFile.ts';
import type { ProveResult } from '../Prover.ts';
import { decodePublicSignals } from '../publicSignals.ts';
import type { WitnessOptions } from '../witness.ts';
import { ensureNativeWitness } from '../witnessNative.ts';
import { deserializeError } from './errors.ts';
import type { MainMessage, ProveJob, WorkerInit, WorkerMessage } from './protocol.ts';
import { defaultWorkerCount } from './workerCount.ts';

export interface ProverPoolOptions extends WitnessOptions {
  /** Worker threads (default: defaultWorkerCount(), from the cores and free memory). */
  workers?: number;
  /**
   * Give each worker a single-threaded curve (default false: measured on 2 cores, two workers
   * with their own multi-threaded curves prove 1.2× faster than one, single-threaded ones slower).
   */
  singleThreadCurve?: boolean;
}

interface Pending {
  job: ProveJob;
  resolve: (r: ProveResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export class ProverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  private weightsSecrets: PrivateInputs = {};

  private constructor(
    readonly buildDir: string,
    readonly manifest: Manifest,
    private readonly init: WorkerInit,
    readonly size: number,
  ) {}

  /** Checks the build, starts the workers and waits until every one is warm. */
  static async create(buildDir: string, options: ProverPoolOptions = {}): Promise<ProverPool> {
    const build = await loadBuild(buildDir, { needSetup: true, artifacts: ['wasm', 'zkey', 'vkey'] });
    const zkeyBytes = (await stat(build.paths.zkey)).size;
    const size = options.workers ?? defaultWorkerCount(zkeyBytes);
    if (!Number.isInteger(size) || size < 1) {
      throw new ProofError('POOL_WORKERS', `the worker count must be a positive integer, got ${size}`, { fix: 'pass --workers 1 or more' });
    }
    const witness = options.witness ?? 'wasm';
    if (witness === 'native') await ensureNativeWitness(build.dir, build.manifest, options.onNativeBuild);
    const init: WorkerInit = { buildDir: build.paths.dir, witness, singleThreadCurve: options.singleThreadCurve ?? false };
    const pool = new ProverPool(build.paths.dir, build.manifest, init, size);
    const wf = weightsFileOf(build.paths.dir);
    if (build.manifest.visibility.weights === 'committed' && existsSync(wf)) pool.weightsSecrets = { weights: await readWeightsFile(wf, build.manifest) };
    try {
      await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Proves one input (float JSON in any encodeInput form, or encoded signals); concurrent calls queue. */
  prove(input: unknown, secrets: PrivateInputs = {}): Promise<ProveResult> {
    if (this.closed) return Promise.reject(new ProofError('POOL_CLOSED', 'the prover pool is closed', { fix: 'create a new ProverPool' }));
    let signals: CircuitInput;
    try {
      signals = isCircuitInput(input) ? input : encodeInput(this.manifest, input);
      privateSignals(this.manifest, { ...this.weightsSecrets, ...secrets }); // checks salts/weights here, not in a worker
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<ProveResult>((resolve, reject) => {
      this.queue.push({ job: { type: 'prove', id: this.nextId++, input: signals, secrets }, resolve, reject });
      this.dispatch();
    });
  }

  /** The proof file (JSON) for a result. */
  proofFile(result: Pick<ProveResult, 'proof' | 'publicSignals'>): ProofFile {
    return makeProofFile(this.manifest, result);
  }

  /** Jobs waiting for a worker plus jobs running. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.busy).length;
  }

  /** Finishes the running and queued jobs, then stops the workers. */
  async close(): Promise<void> {
    if (this.closed && this.slots.length === 0) return;
    this.closed = true;
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(
      this.slots.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.postMessage({ type: 'close' } satisfies MainMessage);
            setTimeout(() => void s.worker.terminate(), 10_000).unref();
          }),
      ),
    );
  }

  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: this.init, execArgv: [] });
      const slot: Slot = { worker };
      let ready = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          ready = true;
          this.slots.push(slot);
          resolve();
          this.dispatch();
        } else if (m.type === 'init-failed') {
          reject(deserializeError(m.error));
          void worker.terminate();
        } else {
          const p = slot.busy;
          slot.busy = undefined;
          if (p && p.job.id === m.id) {
            if (m.type === 'proved') {
              try {
                const decoded = decodePublicSignals(this.manifest, m.publicSignals);
                p.resolve({ proof: m.proof, publicSignals: m.publicSignals, ...decoded, witnessMs: m.witnessMs, proveMs: m.proveMs });
              } catch (e) {
                p.reject(e);
              }
            } else p.reject(deserializeError(m.error));
          }
          this.dispatch();
        }
      });
      const died = (why: string): void => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        if (!ready) {
          reject(new ProofError('POOL_WORKER_FAILED', `a prover worker failed to start: ${why}`, { fix: 'run with --workers 1 or check memory' }));
          return;
        }
        if (slot.busy) {
          slot.busy.reject(new ProofError('POOL_WORKER_FAILED', `the prover worker running this job died: ${why}`, { fix: 'retry; if it repeats, use fewer workers (memory)' }));
          slot.busy = undefined;
        }
        if (!this.closed) this.spawn().catch((e: unknown) => this.failQueue(e));
      };
      worker.on('error', (e: Error) => died(e.message));
      worker.on('exit', (code) => {
        if (this.slots.includes(slot) || !ready) died(`exit code ${code}`);
      });
    });
  }

  private failQueue(e: unknown): void {
    if (this.slots.length > 0) return;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const p = this.queue.shift()!;
      slot.busy = p;
      slot.worker.postMessage(p.job satisfies MainMessage);
    }
  }
}
