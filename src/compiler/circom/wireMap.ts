/**
 * Signal name → linear combination of witness wires, for a compiled circuit.
 *
 * circom's .sym gives each signal's wire, or −1 when the simplifier removed it (at --O1 when it
 * was merged with an equal signal, at --O2 also when a linear constraint defined it). With
 * `--simplification_substitution`, circom writes <name>_substitutions.json: for each removed
 * signal (by signal id, the .sym's first column) the linear expression over signal ids that
 * replaced it ("0" is the constant-one signal), coefficients as decimal field elements.
 * Resolving through both gives every signal as Σ coeff·wire, valid for every witness of the
 * circuit, which is what code appending constraints to the .r1cs needs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CircuitError } from '../../errors.ts';
import { readSymFile, type SymEntry } from './symFile.ts';

/** BN254 scalar field (circom's default prime). */
const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** wire → coefficient (in [0, p)). */
export type WireTerms = Map<number, bigint>;

export class WireMap {
  private readonly bySignalId = new Map<number, SymEntry>();
  private readonly resolved = new Map<number, WireTerms>();

  private constructor(
    private readonly sym: Map<string, SymEntry>,
    private readonly substitutions: Map<number, Record<string, string>>,
    private readonly prime: bigint,
  ) {
    for (const e of sym.values()) this.bySignalId.set(e.labelId, e);
  }

  static async load(symFile: string, substitutionsFile?: string, prime: bigint = BN254_R): Promise<WireMap> {
    const sym = await readSymFile(symFile);
    const subs = new Map<number, Record<string, string>>();
    if (substitutionsFile && existsSync(substitutionsFile)) {
      const raw = JSON.parse(await readFile(substitutionsFile, 'utf8')) as Record<string, Record<string, string>>;
      for (const [k, v] of Object.entries(raw)) subs.set(Number(k), v);
    }
    return new WireMap(sym, subs, prime);
  }

  /** Signal `name` (e.g. 'main.xin3[7]') as wire terms; throws when it cannot be resolved. */
  terms(name: string): WireTerms {
    const e = this.sym.get(name);
    if (!e) throw new CircuitError('WIRE_UNKNOWN_SIGNAL', `signal ${name} is not in the .sym file`);
    const t = this.bySignal(e.labelId, 0);
    if (!t) {
      throw new CircuitError('WIRE_REMOVED', `signal ${name} was removed from the witness and circom recorded no substitution for it`, {
        fix: 'compile with --simplification_substitution (runCircom substitutions: true), or at a lower optimisation level',
      });
    }
    return t;
  }

  /** The wire of `name` when it is exactly one wire with coefficient 1, else undefined. */
  wire(name: string): number | undefined {
    const t = this.terms(name);
    if (t.size !== 1) return undefined;
    const [[w, c]] = [...t];
    return c === 1n ? w : undefined;
  }

  private bySignal(id: number, depth: number): WireTerms | undefined {
    if (id === 0) return new Map([[0, 1n]]);
    const cached = this.resolved.get(id);
    if (cached) return cached;
    const e = this.bySignalId.get(id);
    let out: WireTerms | undefined;
    if (e && e.witnessIndex >= 0) out = new Map([[e.witnessIndex, 1n]]);
    else {
      const sub = this.substitutions.get(id);
      if (!sub || depth > 64) return undefined;
      out = new Map();
      for (const [sid, coeff] of Object.entries(sub)) {
        const inner = this.bySignal(Number(sid), depth + 1);
        if (!inner) return undefined;
        const k = BigInt(coeff);
        for (const [w, c] of inner) out.set(w, ((out.get(w) ?? 0n) + k * c) % this.prime);
      }
      for (const [w, c] of out) if (c === 0n) out.delete(w);
    }
    this.resolved.set(id, out);
    return out;
  }
}
