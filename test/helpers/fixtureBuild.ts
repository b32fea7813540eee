/**
 * Compiled-and-set-up fixture builds shared by the end-to-end tests, under build/test/.
 * compile() is cached by content; setup runs only when the build has none yet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import { setup } from '../../src/prover/setup.ts';

export const FIXTURES = ['digits-mlp', 'digits-cnn'] as const;
export type Fixture = (typeof FIXTURES)[number];

export const fixtureDir = (f: string): string => join('fixtures', 'models', f);

export interface Samples {
  inputName: string;
  inputs: unknown[];
  labels: number[];
  logits: number[][];
}

export const readSamples = (f: string): Samples => JSON.parse(readFileSync(join(fixtureDir(f), 'samples.json'), 'utf8')) as Samples;

const builds = new Map<string, Promise<CompileResult>>();

/** Compiles (cached) and sets up (once) a fixture into build/test/<name><suffix>. */
export function fixtureBuild(f: string, options: { input?: 'private' | 'public'; setup?: boolean } = {}): Promise<CompileResult> {
  const key = `${f}-${options.input ?? 'private'}-${options.setup ?? true}`;
  if (!builds.has(key)) {
    builds.set(
      key,
      (async () => {
        const r = await compile({
          model: join(fixtureDir(f), 'model.onnx'),
          outDir: join('build', 'test', `${f}-${options.input ?? 'private'}`),
          calibration: join(fixtureDir(f), 'samples.json'),
          input: options.input,
        });
        if ((options.setup ?? true) && !r.manifest.setup) {
          const s = await setup({ buildDir: r.paths.dir, dev: true });
          return { ...r, manifest: s.manifest };
        }
        return r;
      })(),
    );
  }
  return builds.get(key)!;
}
