/**
 * shutdown(): stop ffjavascript's BN254 worker threads (snarkjs starts them on first use and
 * they keep Node alive). Call it once when a CLI or script is done; safe to call repeatedly
 * and when no curve was built. Library calls after it rebuild the curve on demand.
 */
export async function shutdown(): Promise<void> {
  const g = globalThis as unknown as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = g.curve_bn128;
  if (curve) await curve.terminate();
}
