/**
 * circomlibjs's Poseidon (0.1.7, the JavaScript twin of circomlib's circuits: they agree bit for
 * bit), loaded once. `permute(inputs, initialState, nOut)` is circomlib's PoseidonEx(n, nOut):
 * the permutation of [initialState, ...inputs], returning its first nOut elements.
 *
 * Trap: circomlibjs carries its own ffjavascript copy, whose module body sets
 * `globalThis.curve_bn128 = null`. Loaded after snarkjs built its (multi-threaded) curve, that
 * would orphan the curve, and its worker threads would keep Node alive (shutdown() could no
 * longer terminate them). The loader restores the reference.
 */
interface CircomlibPoseidon {
  (inputs: bigint[], initState?: bigint, nOut?: number): unknown;
  F: { toObject(x: unknown): bigint };
}

export interface Poseidon {
  /** PoseidonEx(inputs.length, nOut) with `initialState`: the first nOut state elements. */
  permute(inputs: readonly bigint[], initialState: bigint, nOut: number): bigint[];
}

let loaded: Promise<Poseidon> | undefined;

export function loadPoseidon(): Promise<Poseidon> {
  loaded ??= (async () => {
    const g = globalThis as unknown as { curve_bn128?: unknown };
    const saved = g.curve_bn128;
    const lib = (await import('circomlibjs' as string)) as { buildPoseidonOpt(): Promise<CircomlibPoseidon> };
    if (saved && !g.curve_bn128) g.curve_bn128 = saved;
    const p = await lib.buildPoseidonOpt();
    if (saved && !g.curve_bn128) g.curve_bn128 = saved;
    return {
      permute(inputs, initialState, nOut) {
        const r = p([...inputs], initialState, nOut);
        return nOut === 1 ? [p.F.toObject(r)] : (r as unknown[]).map((x) => p.F.toObject(x));
      },
    };
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
