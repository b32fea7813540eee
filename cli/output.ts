/**
 * CLI output: one error handler (a one-line message plus the fix, no stack trace unless
 * --debug), --json results, and stage progress on a terminal (quiet with --json or when
 * stderr is not a TTY).
 */
import cliProgress from 'cli-progress';
import { ZkInferError } from '../src/errors.ts';
import { toJson } from '../src/util/files.ts';

export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
}

export function printResult(flags: GlobalFlags, json: unknown, human: () => void): void {
  if (flags.json) process.stdout.write(`${toJson(json)}\n`);
  else human();
}

/** Prints an error for people (or as JSON) and returns the exit code. */
export function reportError(e: unknown, flags: GlobalFlags): number {
  if (flags.json) {
    const err = e instanceof ZkInferError
      ? { code: e.code, message: e.message, fix: e.fix, details: e.details }
      : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
    process.stdout.write(`${toJson({ ok: false, error: err })}\n`);
  } else if (e instanceof ZkInferError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (e.fix) process.stderr.write(`  fix: ${e.fix}\n`);
  } else {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.stderr.write('  this is a bug in zkinfer: please report it with the command you ran (add --debug for the stack)\n');
  }
  if (flags.debug && e instanceof Error) process.stderr.write(`${e.stack}\n${e.cause ? `cause: ${(e.cause as Error).stack ?? e.cause}\n` : ''}`);
  return e instanceof ZkInferError ? 1 : 2;
}

/** A stage bar: call the returned function with each stage name; `stop()` when done. */
export function stageProgress(flags: GlobalFlags, stages: string[]): { update: (stage: string) => void; stop: () => void } {
  if (flags.json || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {stage} ({value}/{total})', stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(stages.length, 0, { stage: stages[0] });
  return {
    update: (stage) => {
      const i = stages.indexOf(stage);
      bar.update(i < 0 ? bar.getProgress() * stages.length : i, { stage });
    },
    stop: () => bar.stop(),
  };
}
