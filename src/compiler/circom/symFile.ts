/**
 * Reader for circom's `.sym` file: one line per signal, `labelId,witnessIndex,componentId,name`
 * (e.g. `7,5,1,main.r.bits[3]`). witnessIndex is −1 for a signal that the optimiser removed
 * (it is a linear function of the remaining ones and is not part of the witness).
 */
import { readFile } from 'node:fs/promises';

export interface SymEntry {
  labelId: number;
  /** Position in the witness vector, or −1 when the signal was simplified away. */
  witnessIndex: number;
  componentId: number;
}

export async function readSymFile(file: string): Promise<Map<string, SymEntry>> {
  const text = await readFile(file, 'utf8');
  const out = new Map<string, SymEntry>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) continue;
    out.set(line.slice(c3 + 1), {
      labelId: Number(line.slice(0, c1)),
      witnessIndex: Number(line.slice(c1 + 1, c2)),
      componentId: Number(line.slice(c2 + 1, c3)),
    });
  }
  return out;
}
