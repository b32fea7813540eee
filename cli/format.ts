/** Human formatting shared by CLI commands. */
import { readFile } from 'node:fs/promises';
import { InputError } from '../src/errors.ts';
import type { DecodedTensor } from '../src/prover/publicSignals.ts';

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError('FILE_NOT_FOUND', `${what} file not found: ${file}`, { fix: `check the path given for the ${what}` });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError('JSON_SYNTAX', `${file} is not valid JSON: ${(e as Error).message}`, { fix: `write the ${what} as JSON` });
  }
}

/** Outputs as `name [shape]: values`, and the argmax for a vector of scores. */
export function formatOutputs(outputs: DecodedTensor[]): string {
  return outputs
    .map((o) => {
      const vals = o.real.map((v) => Number(v.toPrecision(4))).join(', ');
      let best = 0;
      o.real.forEach((v, i) => { if (v > o.real[best]) best = i; });
      return `  ${o.name} [${o.shape}]: ${vals}${o.real.length > 1 ? `\n  predicted class: ${best}` : ''}`;
    })
    .join('\n');
}
