/**
 * circomkit-style test harness for the templates in circuits/.
 *
 *   const c = await compileTestCircuit('rescale', { file: 'rescale.circom', template: 'Rescale',
 *                                                   params: [12, 4, 6, 1], publicInputs: ['in'] });
 *   const w = await c.calculateWitness({ in: -5n });
 *   c.get(w, 'out'); c.expectPass(w); c.expectFail(c.with(w, { 't.bits[3]': 1n }));
 *
 * The wrapper main is written to build/test-circuits/<content hash>/main.circom and compiled
 * with runCircom; the hash covers the wrapper, every file in circuits/, the optimisation level
 * and the circom2/circomlib versions, so an unchanged circuit is never compiled twice.
 * Signal names are those of the .sym file, with or without the leading `main.`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { circuitsDir, projectRoot, runCircom, type RunCircomResult } from '../../src/compiler/circom/runCircom.ts';
import { readSymFile, type SymEntry } from '../../src/compiler/circom/symFile.ts';
import { sha256, writeFileAtomic } from '../../src/util/files.ts';
import { BN254_P, checkWitness, mod, readR1cs, type R1cs, type WitnessCheck } from './r1cs.ts';

const require = createRequire(import.meta.url);

export interface TemplateSpec {
  /** File in circuits/ (or any include path circom resolves), e.g. 'rescale.circom'. */
  file: string;
  template: string;
  params?: Array<number | bigint>;
  /** Input signals of main declared public (public inputs are never simplified away). */
  publicInputs?: string[];
}

export interface CompileTestOptions {
  optimize?: 0 | 1 | 2;
}

type Input = Record<string, unknown>;

interface WitnessCalculator {
  calculateWitness(input: Input, sanityCheck: boolean): Promise<bigint[]>;
}

export function wrapperSource(spec: TemplateSpec): string {
  const params = (spec.params ?? []).map((p) => p.toString()).join(', ');
  const pub = spec.publicInputs?.length ? ` {public [${spec.publicInputs.join(', ')}]}` : '';
  return `pragma circom 2.1.0;\n\ninclude "${spec.file}";\n\ncomponent main${pub} = ${spec.template}(${params});\n`;
}

export class TestCircuit {
  private wcPromise?: Promise<WitnessCalculator>;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly info: RunCircomResult,
    readonly r1cs: R1cs,
    readonly signals: Map<string, SymEntry>,
  ) {}

  /** Total constraints of the .r1cs. */
  get constraints(): number {
    return this.info.constraints;
  }

  get nonLinearConstraints(): number {
    return this.info.nonLinearConstraints;
  }

  /** Runs circom's generated wasm witness calculator (with its sanity checks). */
  async calculateWitness(input: Input): Promise<bigint[]> {
    this.wcPromise ??= (async () => {
      const builder = require(this.info.witnessCalculatorFile!) as (code: Uint8Array, options?: unknown) => Promise<WitnessCalculator>;
      return builder(await readFile(this.info.wasmFile!));
    })();
    const wc = await this.wcPromise;
    return wc.calculateWitness(input, true);
  }

  private entry(name: string): SymEntry {
    const full = name.startsWith('main.') || name === 'main' ? name : `main.${name}`;
    const e = this.signals.get(full);
    if (!e) throw new Error(`${this.name}: no signal ${full} (known: ${[...this.signals.keys()].slice(0, 12).join(', ')}…)`);
    return e;
  }

  /** Witness position of a signal, or −1 when the optimiser removed it. Throws for unknown names. */
  signalIndex(name: string): number {
    return this.entry(name).witnessIndex;
  }

  /** True when the signal exists and is a witness wire. */
  inWitness(name: string): boolean {
    const full = name.startsWith('main.') ? name : `main.${name}`;
    const e = this.signals.get(full);
    return e !== undefined && e.witnessIndex >= 0;
  }

  /** All signal names (with `main.`) that are witness wires. */
  witnessSignals(): string[] {
    return [...this.signals].filter(([, e]) => e.witnessIndex >= 0).map(([n]) => n);
  }

  get(witness: bigint[], name: string): bigint {
    const i = this.signalIndex(name);
    if (i < 0) throw new Error(`${this.name}: signal ${name} was simplified away (not in the witness)`);
    return witness[i];
  }

  /** A copy of `witness` with some signals replaced (values reduced mod p). Throws for removed signals. */
  with(witness: bigint[], changes: Record<string, bigint>): bigint[] {
    const w = [...witness];
    for (const [name, v] of Object.entries(changes)) {
      const i = this.signalIndex(name);
      if (i < 0) throw new Error(`${this.name}: signal ${name} was simplified away (not in the witness)`);
      w[i] = mod(v, this.r1cs.header.prime);
    }
    return w;
  }

  /**
   * Builds a witness from a full assignment of named signals (e.g. a cheating prover's choice):
   * signals that are not witness wires are skipped; every witness wire must be assigned.
   */
  assemble(assignment: Map<string, bigint> | Record<string, bigint>): bigint[] {
    const values = assignment instanceof Map ? assignment : new Map(Object.entries(assignment));
    const w: Array<bigint | undefined> = new Array(this.r1cs.header.nWires).fill(undefined);
    w[0] = 1n;
    for (const [name, v] of values) {
      const e = this.entry(name);
      if (e.witnessIndex >= 0) w[e.witnessIndex] = mod(v, this.r1cs.header.prime);
    }
    const missing = w.findIndex((x) => x === undefined);
    if (missing >= 0) {
      const n = [...this.signals].find(([, e]) => e.witnessIndex === missing)?.[0];
      throw new Error(`${this.name}: assignment leaves witness wire ${missing} (${n}) unset`);
    }
    return w as bigint[];
  }

  check(witness: bigint[]): WitnessCheck {
    return checkWitness(this.r1cs, witness);
  }

  expectPass(witness: bigint[], message?: string): void {
    const r = this.check(witness);
    assert.ok(r.ok, `${message ?? this.name}: expected the witness to satisfy every constraint, failing: ${r.failing.join(', ')}`);
  }

  expectFail(witness: bigint[], message?: string): void {
    const r = this.check(witness);
    assert.ok(!r.ok, `${message ?? this.name}: a forged witness satisfies every constraint`);
  }

  /**
   * Judges a cheating prover's full assignment of named signals against the honest witness.
   * At --O2 some signals are not witness wires (they are implied by the others), so a forgery
   * that only touches those projects onto the honest witness: 'same'. Otherwise the forged
   * witness must violate a constraint: 'rejected'; 'accepted' means the circuit is unsound.
   */
  judge(assignment: Map<string, bigint> | Record<string, bigint>, honest: bigint[]): 'same' | 'rejected' | 'accepted' {
    const w = this.assemble(assignment);
    if (w.every((x, i) => x === mod(honest[i], this.r1cs.header.prime))) return 'same';
    return this.check(w).ok ? 'accepted' : 'rejected';
  }

  /** Asserts that a forged assignment is not accepted; returns false when it was not representable ('same'). */
  expectRejected(assignment: Map<string, bigint> | Record<string, bigint>, honest: bigint[], message?: string): boolean {
    const verdict = this.judge(assignment, honest);
    assert.notEqual(verdict, 'accepted', `${message ?? this.name}: a forged witness satisfies every constraint`);
    return verdict === 'rejected';
  }
}

/** The n low bits of x ≥ 0, least significant first. */
export function bitsOf(x: bigint, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => (x >> BigInt(i)) & 1n);
}

/** x^(−1) mod p (0 for x ≡ 0, like circom's `1 / x` hint guarded by `x != 0`). */
export function invMod(x: bigint, p: bigint = BN254_P): bigint {
  let base = mod(x, p);
  if (base === 0n) return 0n;
  let e = p - 2n;
  let r = 1n;
  while (e > 0n) {
    if (e & 1n) r = (r * base) % p;
    base = (base * base) % p;
    e >>= 1n;
  }
  return r;
}

/** floor(a / b) for b > 0 (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** A deterministic pseudo-random generator (xorshift) for reproducible sample inputs. */
export function rng(seed = 1): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Uniform bigint in [lo, hi] from a generator of uniform floats. */
export function randomBigInt(next: () => number, lo: bigint, hi: bigint): bigint {
  const span = hi - lo + 1n;
  let r = 0n;
  const words = Math.ceil(span.toString(2).length / 32) + 1;
  for (let i = 0; i < words; i++) r = (r << 32n) | BigInt(Math.floor(next() * 2 ** 32));
  return lo + (r % span);
}

function circuitsFingerprint(): string {
  const dir = circuitsDir();
  const parts = readdirSync(dir)
    .filter((f) => f.endsWith('.circom'))
    .sort()
    .map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`);
  const version = (pkg: string): string => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  return sha256([...parts, version('circom2'), version('circomlib')].join('\n\0'));
}

const inFlight = new Map<string, Promise<TestCircuit>>();

/**
 * Compiles (or reuses) a test circuit. `source` is a complete main file or a template spec
 * turned into a one-line wrapper main.
 */
export function compileTestCircuit(name: string, source: string | TemplateSpec, options: CompileTestOptions = {}): Promise<TestCircuit> {
  const optimize = options.optimize ?? 2;
  const text = typeof source === 'string' ? source : wrapperSource(source);
  const hash = sha256(`${optimize}\n${circuitsFingerprint()}\n${text}`).slice(0, 20);
  let p = inFlight.get(hash);
  if (!p) {
    p = build(name, text, hash, optimize);
    inFlight.set(hash, p);
    p.catch(() => inFlight.delete(hash));
  }
  return p;
}

async function build(name: string, text: string, hash: string, optimize: 0 | 1 | 2): Promise<TestCircuit> {
  const dir = join(projectRoot(), 'build', 'test-circuits', hash);
  const resultFile = join(dir, 'result.json');
  let info: RunCircomResult;
  if (existsSync(resultFile)) {
    info = JSON.parse(await readFile(resultFile, 'utf8')) as RunCircomResult;
  } else {
    await mkdir(dir, { recursive: true });
    const mainFile = join(dir, 'main.circom');
    await writeFile(mainFile, text);
    info = await runCircom({ mainFile, outDir: dir, optimize });
    await writeFileAtomic(resultFile, JSON.stringify(info, null, 2));
  }
  const r1cs = await readR1cs(info.r1csFile);
  const signals = await readSymFile(info.symFile!);
  return new TestCircuit(name, dir, info, r1cs, signals);
}
