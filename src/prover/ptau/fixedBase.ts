/**
 * Fixed-base scalar multiplication k_i·G for many scalars, on worker threads.
 *
 * A dev ptau is nothing but multiples of the two generators (τ^i·G1, α·τ^i·G1, L_i(τ)·G2, …),
 * so instead of ffjavascript's generic per-point double-and-add (G.batchApplyKey: ≈ 254
 * doublings + 127 additions per point) each worker precomputes a comb table
 * T[k][d] = d·2^(w·k)·G once per group and then needs only ⌈254/w⌉ additions per point
 * (w ≈ 12–15: 17–22), done as batched affine additions (one shared inversion per window).
 * Measured ≈ 10× less CPU than batchApplyKey for G1 and ≈ 18× for G2. The group arithmetic is ffjavascript's own
 * WebAssembly (the BN254 module snarkjs uses), instantiated per worker with growable memory;
 * points come back affine in the ptau's "LEM" form (little-endian Montgomery), ready to write.
 *
 * Workers are plain `eval` workers (the kernel below is stringified), so they run the same
 * under tsx, compiled JS or any loader.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadFfjavascript } from '../lib/snarkjs.ts';

export type GroupName = 'G1' | 'G2';

interface KernelJob {
  type: 'mul';
  id: number;
  /** wasm function prefix: g1m / g2m. */
  prefix: string;
  n8: number;
  w: number;
  generator: Uint8Array;
  /** n scalars, 32 bytes each, little-endian, normal (not Montgomery) form, < 2^254. */
  scalars: Uint8Array;
}

/**
 * The worker program. Self-contained plain JavaScript after transpilation (it is sent to the
 * worker as source text); `port` is the worker's parentPort.
 */
function fixedBaseKernel(port: { on(ev: 'message', cb: (m: unknown) => void): void; postMessage(m: unknown, t?: ArrayBuffer[]): void }): void {
  let ex: Record<string, (...a: number[]) => number>;
  let memory: WebAssembly.Memory;
  let u8: Uint8Array;
  let u32: Uint32Array;
  const tables = new Map<string, number>();

  const refresh = (): void => {
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
  };
  /** Makes sure `bytes` beyond the free pointer exist (wasm batch functions bump-allocate scratch there). */
  const ensure = (bytes: number): void => {
    const need = u32[0] + bytes;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536) + 16);
      refresh();
    }
  };
  const alloc = (n: number): number => {
    while (u32[0] & 7) u32[0]++;
    const p = u32[0];
    u32[0] += n;
    ensure(0);
    return p;
  };

  /** T[k][d-1] = d·2^(w·k)·G for d = 1 … 2^w − 1, k = 0 … ⌈254/w⌉ − 1, affine. */
  const buildTable = (prefix: string, n8: number, w: number, generator: Uint8Array): number => {
    const sA = 2 * n8;
    const sJ = 3 * n8;
    const nWin = Math.ceil(254 / w);
    const tSize = (1 << w) - 1;
    const pTab = alloc(nWin * tSize * sA);
    const mark = u32[0];
    const pB = alloc(sJ);
    const pBA = alloc(sA);
    const pTmp = alloc(tSize * sJ);
    u8.set(generator, pBA);
    ex[prefix + '_toJacobian'](pBA, pB);
    for (let k = 0; k < nWin; k++) {
      // B = 2^(w·k)·G, affine so the table row is built with (cheaper) mixed additions
      ex[prefix + '_toAffine'](pB, pBA);
      ex[prefix + '_toJacobian'](pBA, pTmp);
      for (let d = 1; d < tSize; d++) ex[prefix + '_addMixed'](pTmp + (d - 1) * sJ, pBA, pTmp + d * sJ);
      ensure(tSize * sJ + (1 << 20));
      ex[prefix + '_batchToAffine'](pTmp, tSize, pTab + k * tSize * sA);
      for (let j = 0; j < w; j++) ex[prefix + '_double'](pB, pB);
    }
    u32[0] = mark;
    return pTab;
  };

  /**
   * Comb with batched affine additions: window by window, every accumulator gets
   * acc += T[k][digit]; all the slopes' denominators of one window share one inversion
   * (Montgomery's trick, wasm batchInverse), so an addition costs ≈ 6 field multiplications
   * instead of ≈ 11 for a mixed Jacobian one. Equal x (doubling or P − P, only for degenerate
   * scalars) falls back to the generic affine addition.
   */
  const mul = (job: KernelJob): Uint8Array => {
    const { prefix, n8, w, generator, scalars } = job;
    const key = `${prefix}:${w}`;
    let pTab = tables.get(key);
    if (pTab === undefined) {
      pTab = buildTable(prefix, n8, w, generator);
      tables.set(key, pTab);
    }
    const F = prefix === 'g1m' ? 'f1m' : 'f2m';
    const sub = ex[F + '_sub'];
    const fmul = ex[F + '_mul'];
    const square = ex[F + '_square'];
    const isZero = ex[F + '_isZero'];
    const copy = ex[F + '_copy'];
    const batchInverse = ex[F + '_batchInverse'];
    const addAffine = ex[prefix + '_addAffine'];
    const isZeroPoint = ex[prefix + '_isZero'];
    const toAffine = ex[prefix + '_toAffine'];
    const sA = 2 * n8;
    const nWin = Math.ceil(254 / w);
    const tSize = (1 << w) - 1;
    const mask = (1 << w) - 1;
    const n = scalars.byteLength / 32;
    const mark = u32[0];
    const pS = alloc(scalars.byteLength);
    const pAcc = alloc(n * sA);
    const pDx = alloc(n * n8);
    const pInv = alloc(n * n8);
    const pJ = alloc(3 * n8);
    const [pDy, pLam, pL2, pA, pX3, pB, pC, pY3] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => alloc(n8));
    ensure((n + 2) * n8 + (1 << 16)); // batchInverse's scratch
    u8.set(scalars, pS);
    const empty = new Uint8Array(n).fill(1); // accumulator still the point at infinity
    const idx = new Int32Array(n);
    const tp = new Int32Array(n);
    for (let k = 0; k < nWin; k++) {
      const bit = k * w;
      const byte = bit >> 3;
      const shift = bit & 7;
      let m = 0;
      for (let i = 0; i < n; i++) {
        const ps = pS + i * 32 + byte;
        let v = u8[ps];
        if (byte + 1 < 32) v |= u8[ps + 1] << 8;
        if (byte + 2 < 32) v |= u8[ps + 2] << 16;
        const d = (v >>> shift) & mask;
        if (d === 0) continue;
        const t = pTab + (k * tSize + d - 1) * sA;
        const pa = pAcc + i * sA;
        if (empty[i]) {
          u8.copyWithin(pa, t, t + sA);
          empty[i] = 0;
          continue;
        }
        idx[m] = i;
        tp[m] = t;
        sub(t, pa, pDx + m * n8);
        m++;
      }
      if (m === 0) continue;
      batchInverse(pDx, n8, m, pInv, n8);
      for (let j = 0; j < m; j++) {
        const i = idx[j];
        const pa = pAcc + i * sA;
        const t = tp[j];
        if (isZero(pDx + j * n8)) {
          addAffine(pa, t, pJ);
          if (isZeroPoint(pJ)) empty[i] = 1;
          else toAffine(pJ, pa);
          continue;
        }
        sub(t + n8, pa + n8, pDy); // y2 − y1
        fmul(pDy, pInv + j * n8, pLam); // λ
        square(pLam, pL2);
        sub(pL2, pa, pA);
        sub(pA, t, pX3); // x3 = λ² − x1 − x2
        sub(pa, pX3, pB);
        fmul(pLam, pB, pC);
        sub(pC, pa + n8, pY3); // y3 = λ(x1 − x3) − y1
        copy(pX3, pa);
        copy(pY3, pa + n8);
      }
    }
    for (let i = 0; i < n; i++) if (empty[i]) u8.fill(0, pAcc + i * sA, pAcc + (i + 1) * sA); // affine zero
    const out = u8.slice(pAcc, pAcc + n * sA);
    u32[0] = mark;
    return out;
  };

  port.on('message', (raw: unknown) => {
    const msg = raw as { type: 'init'; id?: undefined; code: Uint8Array<ArrayBuffer> } | KernelJob;
    try {
      if (msg.type === 'init') {
        const mod = new WebAssembly.Module(msg.code);
        memory = new WebAssembly.Memory({ initial: 256, maximum: 32767 });
        const inst = new WebAssembly.Instance(mod, { env: { memory } });
        ex = inst.exports as unknown as Record<string, (...a: number[]) => number>;
        refresh();
        port.postMessage({ type: 'ready' });
      } else if (msg.type === 'mul') {
        const out = mul(msg);
        port.postMessage({ type: 'done', id: msg.id, out }, [out.buffer as ArrayBuffer]);
      }
    } catch (e) {
      port.postMessage({ type: 'error', id: msg.id, message: String((e as Error)?.stack ?? e) });
    }
  });
}

const WORKER_SOURCE =
  '"use strict";\n' +
  // tsx/esbuild (keepNames) may wrap functions in __name(); make it a no-op.
  'var __name = (f) => f;\n' +
  `(${fixedBaseKernel.toString()})(require('node:worker_threads').parentPort);\n`;

let wasmCode: Promise<Uint8Array> | undefined;

/** ffjavascript's BN254 WebAssembly module (built once; a single-thread curve keeps its bytes). */
function bn128WasmCode(): Promise<Uint8Array> {
  wasmCode ??= (async () => {
    const ff = await loadFfjavascript();
    const single = await ff.buildBn128(true);
    const code = single.tm.code;
    if (!code) throw new Error('ffjavascript did not expose the bn128 wasm code');
    return code;
  })();
  return wasmCode;
}

/** Comb window minimising ⌈254/w⌉·(points per worker + table size). */
export function chooseWindow(pointsPerWorker: number): number {
  let best = 4;
  let bestCost = Infinity;
  for (let w = 4; w <= 16; w++) {
    const cost = Math.ceil(254 / w) * (pointsPerWorker + 2.5 * ((1 << w) - 1));
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}

interface Pending { resolve(b: Uint8Array): void; reject(e: Error): void }

const STEAL_MIN_JOBS = 24;

/**
 * A pool of fixed-base multiplication workers. Always `terminate()` it (finally).
 * With two or more workers, half take only G1 jobs and half only G2 jobs, so each builds one
 * comb table; a dev ptau's G1 and G2 work are about equal (≈ 12·2^p cheap G1 points against
 * ≈ 3·2^p G2 points at ≈ 4× the cost), so both halves stay busy when jobs of both groups are
 * queued together.
 */
export class FixedBasePool {
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly role = new Map<Worker, GroupName | 'any'>();
  private readonly queues: Record<GroupName, Array<{ job: KernelJob; pending: Pending }>> = { G1: [], G2: [] };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed: Error | undefined;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    const g1 = Math.ceil(workers.length / 2);
    workers.forEach((w, i) => this.role.set(w, workers.length === 1 ? 'any' : i < g1 ? 'G1' : 'G2'));
  }

  /** Workers serving `group`. */
  workersFor(group: GroupName): number {
    return this.workers.filter((w) => this.role.get(w) === group || this.role.get(w) === 'any').length;
  }

  get threads(): number {
    return this.workers.length;
  }

  static async create(threads = Math.max(1, Math.min(availableParallelism(), 8))): Promise<FixedBasePool> {
    const code = await bn128WasmCode();
    const workers: Worker[] = [];
    for (let i = 0; i < threads; i++) workers.push(new Worker(WORKER_SOURCE, { eval: true }));
    const pool = new FixedBasePool(workers);
    await Promise.all(
      workers.map(
        (wk) =>
          new Promise<void>((resolve, reject) => {
            const onMsg = (m: { type: string; message?: string }): void => {
              wk.off('message', onMsg);
              if (m.type === 'ready') resolve();
              else reject(new Error(m.message));
            };
            wk.on('message', onMsg);
            wk.once('error', reject);
            wk.postMessage({ type: 'init', code: code.slice() });
          }),
      ),
    ).catch(async (e) => {
      await pool.terminate();
      throw e;
    });
    for (const wk of workers) {
      wk.on('message', (m: { type: string; id: number; out?: Uint8Array; message?: string }) => pool.onMessage(wk, m));
      wk.on('error', (e: unknown) => pool.fail(e instanceof Error ? e : new Error(String(e))));
      pool.idle.push(wk);
    }
    return pool;
  }

  /** k_i·G for every 32-byte scalar (normal form, little-endian) in `scalars`; affine LEM points. */
  mul(group: GroupName, generator: Uint8Array, scalars: Uint8Array, w: number): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    const n8 = group === 'G1' ? 32 : 64;
    const job: KernelJob = { type: 'mul', id: this.nextId++, prefix: group === 'G1' ? 'g1m' : 'g2m', n8, w, generator, scalars };
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queues[group].push({ job, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    for (let i = 0; i < this.idle.length; ) {
      const wk = this.idle[i];
      const role = this.role.get(wk);
      let queue = role === 'any' ? (this.queues.G1.length > 0 ? this.queues.G1 : this.queues.G2) : this.queues[role as GroupName];
      if (queue.length === 0 && role !== 'any') {
        // Idle with its own group done: help the other group if enough work is left to pay for
        // building that group's table (≈ the cost of a dozen jobs).
        const other = this.queues[role === 'G1' ? 'G2' : 'G1'];
        if (other.length >= STEAL_MIN_JOBS) queue = other;
      }
      const next = queue.shift();
      if (!next) {
        i++;
        continue;
      }
      this.idle.splice(i, 1);
      this.pending.set(next.job.id, next.pending);
      wk.postMessage(next.job);
    }
  }

  private onMessage(wk: Worker, m: { type: string; id: number; out?: Uint8Array; message?: string }): void {
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    this.idle.push(wk);
    if (m.type === 'done' && m.out) p?.resolve(m.out);
    else p?.reject(new Error(`fixed-base worker failed: ${m.message}`));
    this.dispatch();
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const q of [this.queues.G1, this.queues.G2]) for (const { pending } of q.splice(0)) pending.reject(e);
  }
}
