/**
 * Digits fixtures compiled with every linear layer external (linearMode 'external'), under
 * build/test/<fixture>-external, compiled (cached by content) and set up once per process.
 */
import { join } from 'node:path';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import { setup } from '../../src/prover/setup.ts';
import { fixtureDir } from '../helpers/fixtureBuild.ts';

const builds = new Map<string, Promise<CompileResult>>();

export function externalBuild(f: string): Promise<CompileResult> {
  if (!builds.has(f)) {
    builds.set(
      f,
      (async () => {
        const r = await compile({
          model: join(fixtureDir(f), 'model.onnx'),
          outDir: join('build', 'test', `${f}-external`),
          calibration: join(fixtureDir(f), 'samples.json'),
          linearMode: 'external',
        });
        if (!r.manifest.setup) return { ...r, manifest: (await setup({ buildDir: r.paths.dir, dev: true })).manifest };
        return r;
      })(),
    );
  }
  return builds.get(f)!;
}
