import { join, resolve } from 'node:path';

/** Every artifact path of a build directory, decided in one place (design §5). */
export interface BuildPaths {
  dir: string;
  circom: string;
  r1cs: string;
  sym: string;
  wasm: string;
  manifest: string;
  /** The integer model (JSON) the circuit implements; used by the reference interpreter. */
  intModel: string;
  zkey: string;
  vkey: string;
  verifierSol: string;
  /** Where the dev ptau of this build is written by `setup --dev`. */
  devPtau: string;
}

export function buildPaths(buildDir: string): BuildPaths {
  const dir = resolve(buildDir);
  return {
    dir,
    circom: join(dir, 'model.circom'),
    r1cs: join(dir, 'model.r1cs'),
    sym: join(dir, 'model.sym'),
    wasm: join(dir, 'model_js', 'model.wasm'),
    manifest: join(dir, 'manifest.json'),
    intModel: join(dir, 'model.int.json'),
    zkey: join(dir, 'model.zkey'),
    vkey: join(dir, 'verification_key.json'),
    verifierSol: join(dir, 'Verifier.sol'),
    devPtau: join(dir, 'dev.ptau'),
  };
}
