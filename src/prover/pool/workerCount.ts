/**
 * Default number of ProverPool workers: one per core (availableParallelism), at most as many
 * as fit in free memory. A worker holds the zkey, the witness generator and a curve, and
 * proving allocates a few times the zkey's size on top: budget 4 × zkey + 256 MB each.
 */
import { availableParallelism, freemem } from 'node:os';

export function defaultWorkerCount(zkeyBytes: number, cores: number = availableParallelism(), free: number = freemem()): number {
  const perWorker = 4 * zkeyBytes + 256 * 2 ** 20;
  const byMemory = Math.floor((0.8 * free) / perWorker);
  return Math.max(1, Math.min(cores, byMemory));
}
