/**
 * proveBatch: one proof per line of a JSON Lines file, in parallel over a ProverPool
 * (`zkinfer prove <build> --batch inputs.jsonl -o proofs/`).
 *
 * Line n (1-based; blank lines are skipped but counted) is one model input in any encodeInput
 * form. Its proof goes to <outDir>/proof-<n>.json (n zero-padded to the file's line count). A
 * line that is not JSON or fails to prove is reported with its line number and error; the
 * other lines carry on. Results come back in line order.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, ZkInferError } from '../../errors.ts';
import type { PrivateInputs } from '../privateInputs.ts';
import { writeProofFile } from '../proofFile.ts';
import type { ProveResult } from '../Prover.ts';
import type { ProverPool } from './ProverPool.ts';

export interface BatchLineResult {
  /** 1-based line number in the input file. */
  line: number;
  ok: boolean;
  /** Where the proof was written (ok). */
  proofFile?: string;
  result?: ProveResult;
  /** Why the line failed (not ok). */
  error?: { code: string; message: string; fix?: string };
}

export interface BatchSummary {
  results: BatchLineResult[];
  proved: number;
  failed: number;
  wallMs: number;
  proofsPerMinute: number;
}

/** The non-blank lines of a JSON Lines text, with their 1-based line numbers. */
export function jsonLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, '') }))
    .filter((l) => l.text.trim() !== '');
}

export async function readJsonLines(file: string): Promise<Array<{ line: number; text: string }>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError('FILE_NOT_FOUND', `batch file not found: ${file}`, { fix: 'give a JSON Lines file: one input per line' });
  }
  const lines = jsonLines(text);
  if (lines.length === 0) throw new InputError('BATCH_EMPTY', `${file} holds no inputs`, { fix: 'write one model input (JSON) per line' });
  return lines;
}

const describe = (e: unknown): BatchLineResult['error'] =>
  e instanceof ZkInferError ? { code: e.code, message: e.message, fix: e.fix } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };

export async function proveBatch(
  pool: ProverPool,
  lines: Array<{ line: number; text: string }>,
  options: { outDir: string; secrets?: PrivateInputs; onResult?: (r: BatchLineResult) => void },
): Promise<BatchSummary> {
  await mkdir(options.outDir, { recursive: true });
  const width = Math.max(4, String(lines.at(-1)?.line ?? 0).length);
  const t0 = performance.now();
  const results = await Promise.all(
    lines.map(async ({ line, text }): Promise<BatchLineResult> => {
      let r: BatchLineResult;
      try {
        let input: unknown;
        try {
          input = JSON.parse(text);
        } catch (e) {
          throw new InputError('JSON_SYNTAX', `not valid JSON: ${(e as Error).message}`, { fix: 'write one JSON value per line' });
        }
        const result = await pool.prove(input, options.secrets);
        const proofFile = join(options.outDir, `proof-${String(line).padStart(width, '0')}.json`);
        await writeProofFile(proofFile, pool.proofFile(result));
        r = { line, ok: true, proofFile, result };
      } catch (e) {
        r = { line, ok: false, error: describe(e) };
      }
      options.onResult?.(r);
      return r;
    }),
  );
  const wallMs = performance.now() - t0;
  const proved = results.filter((r) => r.ok).length;
  return { results, proved, failed: results.length - proved, wallMs, proofsPerMinute: proved / (wallMs / 60_000) };
}
