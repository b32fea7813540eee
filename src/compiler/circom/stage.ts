/**
 * Staging of a circom compile. circom2 (circom in WebAssembly/WASI) cannot open files above
 * its working directory, so a compile runs in a fresh folder that holds the main file and,
 * transitively, every file it includes, laid out so circom finds them with `-l . -l circuits`:
 *
 *   <stage>/<main>.circom                     the main file
 *   <stage>/circuits/*.circom                 zkinfer's templates (this repository's circuits/)
 *   <stage>/circomlib/circuits/*.circom       circomlib, for `include "circomlib/circuits/…"`
 *   <stage>/<relative path>                   files included relative to the main file
 *
 * Include strings are resolved the way circom resolves them: first relative to the including
 * file, then against the library roots (the main file's folder, circuits/, the project root,
 * node_modules). An include that cannot be resolved is left for circom to report.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircuitError } from '../../errors.ts';

const require = createRequire(import.meta.url);

/** Root of the zkinfer package (the folder holding package.json and circuits/). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

/** Absolute path of the hand-written templates folder, `circuits/`. */
export function circuitsDir(): string {
  return join(projectRoot(), 'circuits');
}

/** The node_modules folder that holds circomlib (so `circomlib/circuits/x.circom` resolves). */
export function nodeModulesDir(): string {
  return dirname(dirname(require.resolve('circomlib/package.json')));
}

/**
 * Library roots, in search order, for compiling `mainFile` with a native circom
 * (`circom main.circom ${paths.map(p => '-l ' + p)}`): the main file's folder, circuits/,
 * the project root and node_modules. runCircom stages the same view for circom2.
 */
export function includePathsFor(mainFile: string): string[] {
  return [dirname(resolve(mainFile)), circuitsDir(), projectRoot(), nodeModulesDir()];
}

/** `-l` arguments for a compile running inside a stage folder. */
export const STAGE_LIBRARY_ARGS = ['-l', '.', '-l', 'circuits'];

export interface StagedFile {
  /** Absolute original path. */
  source: string;
  /** Path inside the stage folder (posix, relative). */
  staged: string;
}

export interface Stage {
  dir: string;
  /** Staged name of the main file (relative to dir). */
  main: string;
  files: StagedFile[];
}

const INCLUDE = /(?<![\w$])include\s+"([^"]+)"\s*;/g;

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

export function includesOf(source: string): string[] {
  return [...stripComments(source).matchAll(INCLUDE)].map((m) => m[1]);
}

/** Copies `mainFile` and everything it includes into `stageDir`. */
export async function stageCircuit(mainFile: string, stageDir: string): Promise<Stage> {
  const main = resolve(mainFile);
  const mainDir = dirname(main);
  const roots: Array<[string, string]> = [
    [mainDir, ''],
    [circuitsDir(), 'circuits'],
    [projectRoot(), ''],
    [nodeModulesDir(), ''],
  ];
  const byStaged = new Map<string, string>();
  const files: StagedFile[] = [];
  const queue: StagedFile[] = [{ source: main, staged: basename(main) }];
  byStaged.set(basename(main), main);

  while (queue.length > 0) {
    const file = queue.shift()!;
    files.push(file);
    const text = await readFile(file.source, 'utf8');
    for (const inc of includesOf(text)) {
      if (isAbsolute(inc)) {
        throw new CircuitError('CIRCOM_ABSOLUTE_INCLUDE', `${file.source} includes an absolute path "${inc}", which circom2 cannot open`, {
          fix: 'include it by a path relative to the including file, to circuits/ or to node_modules/',
        });
      }
      const candidates: Array<[string, string]> = [[join(dirname(file.source), inc), posix.normalize(posix.join(posix.dirname(file.staged), inc))]];
      for (const [root, stagedRoot] of roots) candidates.push([join(root, inc), posix.normalize(posix.join(stagedRoot || '.', inc))]);
      const hit = candidates.find(([src]) => existsSync(src));
      if (!hit) continue; // circom reports it (P1014) with its own message
      const [source, staged] = hit;
      if (staged.startsWith('../') || staged === '..') {
        throw new CircuitError('CIRCOM_INCLUDE_OUTSIDE', `${file.source} includes "${inc}", which lies outside the folders circom2 can see`, {
          fix: 'include templates from circuits/ or circomlib/circuits/, or keep included files next to the main file',
        });
      }
      const previous = byStaged.get(staged);
      if (previous === undefined) {
        byStaged.set(staged, resolve(source));
        queue.push({ source: resolve(source), staged });
      } else if (previous !== resolve(source)) {
        throw new CircuitError('CIRCOM_INCLUDE_CONFLICT', `two different files would be staged as ${staged}: ${previous} and ${resolve(source)}`, {
          fix: 'rename one of them',
        });
      }
    }
  }

  for (const f of files) {
    const to = join(stageDir, ...f.staged.split('/'));
    await mkdir(dirname(to), { recursive: true });
    await copyFile(f.source, to);
  }
  return { dir: stageDir, main: basename(main), files };
}

/** Replaces staged file names in circom's messages by the original paths. */
export function unstageMessage(text: string, stage: Stage): string {
  let out = text;
  for (const f of [...stage.files].sort((a, b) => b.staged.length - a.staged.length)) {
    out = out.split(`"${f.staged}"`).join(`"${f.source}"`);
  }
  return out;
}

