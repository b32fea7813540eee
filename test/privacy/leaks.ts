/**
 * Searches public text (manifest, proof file, verification key, CLI output) for private values.
 *
 *  - scalars: distinctive private numbers (salts, packed encodings of private tensors): any
 *    numeric token equal to one is a leak (scalars below 2^24 in size are skipped: a packed
 *    element of zeros is 0, which every JSON file contains);
 *  - vectors: private tensors (quantized and real inputs/outputs, weights): any 6 consecutive
 *    values appearing as consecutive numbers of the text is a leak (windows with fewer than 3
 *    distinct values or only values in [−1, 1] are skipped: too common to mean anything).
 * Numbers are compared by value (so 0.5 and 5e-1, or "12" and 12, are the same).
 */
export interface Secrets {
  scalars: Array<{ name: string; value: bigint }>;
  vectors: Array<{ name: string; values: ReadonlyArray<bigint | number> }>;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const WINDOW = 6;

function canon(token: string): string {
  if (/^-?\d+$/.test(token)) return BigInt(token).toString();
  const x = Number(token);
  return Number.isInteger(x) && Math.abs(x) < 2 ** 53 ? String(x) : x.toPrecision(12);
}
const canonValue = (v: bigint | number): string => (typeof v === 'bigint' ? v.toString() : canon(String(v)));

/** Every leak of `secrets` in `texts` (name → text), as "secret in text" lines. */
export function findLeaks(texts: Record<string, string>, secrets: Secrets): string[] {
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    const tokens = (text.match(NUMBER) ?? []).map(canon);
    const set = new Set(tokens);
    for (const s of secrets.scalars) {
      if (s.value < 1n << 24n && s.value > -(1n << 24n)) continue;
      if (set.has(s.value.toString())) leaks.push(`${s.name} (${s.value}) in ${where}`);
    }
    const joined = `,${tokens.join(',')},`;
    for (const v of secrets.vectors) {
      const vals = v.values.map(canonValue);
      for (let i = 0; i + WINDOW <= vals.length; i++) {
        const w = vals.slice(i, i + WINDOW);
        if (new Set(w).size < 3 || w.every((x) => Math.abs(Number(x)) <= 1)) continue;
        if (joined.includes(`,${w.join(',')},`)) {
          leaks.push(`${v.name}[${i}…${i + WINDOW - 1}] in ${where}`);
          break;
        }
      }
    }
  }
  return leaks;
}
