/**
 * The privacy parts of the model circuit (design §4), rendered for renderCircom.ts:
 *
 *  - declarations, after `in`/`inPacked` and `outPacked`, in public-signal order:
 *      signal output outputCommitment / inputCommitment / weightsCommitment;  (when present)
 *      signal input w[W];             committed weights, commitment order (manifest WeightsLayout)
 *      signal input inputSalt / outputSalt / weightsSalt;   one private salt per commitment
 *  - committed linear layers: every weight and bias range-checked to its declared width, every
 *    product w[e] · 2^shift · (x[col] − zp) one constraint (signal wp[e]), the sum linear;
 *  - commitments: CommitPacked (circuits/commit_packed.circom) over the hashed input `in`
 *    (already range-checked), the outputs (bounded by construction: their static interval) or
 *    the weights (range-checked here), with the group's layout from the manifest.
 */
import { CircuitError } from '../../errors.ts';
import type { CommitmentRole, PackedGroup, PublicLayout, WeightsLayout } from '../../manifest.ts';
import type { IntGraph, IntLinear, IntNode } from '../integer/ir.ts';

const SALT: Record<CommitmentRole, string> = { inputCommitment: 'inputSalt', outputCommitment: 'outputSalt', weightsCommitment: 'weightsSalt' };
export const COMMITMENT_ROLES: readonly CommitmentRole[] = ['outputCommitment', 'inputCommitment', 'weightsCommitment'];
export const isCommitmentRole = (role: string): role is CommitmentRole => (COMMITMENT_ROLES as readonly string[]).includes(role);

const arr = (xs: ArrayLike<number | bigint | string>): string => `[${Array.from(xs, (x) => x.toString()).join(',')}]`;
const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export interface PrivacyContext {
  emit(line: string): void;
  fresh(prefix: string): string;
  varOf(tensor: string): string | undefined;
}

export class PrivacyRenderer {
  private readonly commitments: PackedGroup[];
  /** Offset of each committed node's parameters in w[]. */
  private readonly offsets = new Map<string, number>();

  constructor(
    private readonly graph: IntGraph,
    layout: PublicLayout,
    private readonly weights: WeightsLayout | undefined,
  ) {
    this.commitments = layout.groups.filter((g) => isCommitmentRole(g.role)).sort((a, b) => a.firstSignal - b.firstSignal);
    let o = 0;
    for (const n of weights?.nodes ?? []) {
      this.offsets.set(n.name, o);
      o += n.entries + n.rows;
    }
    if (weights && o !== weights.count) throw new CircuitError('RENDER_WEIGHTS', 'the weights layout does not add up');
  }

  get active(): boolean {
    return this.commitments.length > 0 || this.weights !== undefined;
  }

  /** Templates the privacy parts need (besides range_check.circom). */
  includes(): string[] {
    return this.commitments.length > 0 ? ['commit_packed.circom'] : [];
  }

  declare(ctx: PrivacyContext): void {
    for (const g of this.commitments) ctx.emit(`signal output ${g.role};`);
    if (this.weights) ctx.emit(`signal input w[${this.weights.count}];`);
    for (const g of this.commitments) ctx.emit(`signal input ${SALT[g.role as CommitmentRole]};`);
  }

  isCommitted(node: IntNode): boolean {
    return node.op === 'linear' && this.offsets.has(node.name);
  }

  /** A committed linear layer into var `v`, reading input var `x`. */
  renderLinear(ctx: PrivacyContext, node: IntLinear, x: string, v: string): void {
    const n = this.weights!.nodes.find((m) => m.name === node.name)!;
    const o = this.offsets.get(node.name)!;
    const m = node.matrix;
    const E = n.entries;
    const R = n.rows;
    const WB = this.weights!.weightBits;
    const id = ctx.fresh('');
    ctx.emit(`// committed weights: w[${o} … ${o + E}) entries (${WB} bits), w[${o + E} … ${o + E + R}) biases (${n.biasBits} bits)`);
    ctx.emit(`var rp${id}[${R + 1}] = ${arr(m.rowPtr)};`);
    // Per entry: x[col] − zp, times 2^shift, of the block holding col.
    let term = `${x}[ci${id}[e]]`;
    if (E > 0) {
      ctx.emit(`var ci${id}[${E}] = ${arr(m.colIdx)};`);
      if (n.blocks.length === 1) {
        const b = n.blocks[0];
        term = `(${x}[ci${id}[e]] - ${b.zeroPoint}) * ${1n << BigInt(b.shift)}`;
      } else {
        const blockOf = (c: number) => n.blocks.find((b) => c >= b.start && c < b.end)!;
        const zp = Array.from(m.colIdx.subarray(0, E), (c) => blockOf(c).zeroPoint);
        const mul = Array.from(m.colIdx.subarray(0, E), (c) => 1n << BigInt(blockOf(c).shift));
        ctx.emit(`var zp${id}[${E}] = ${arr(zp)};`);
        ctx.emit(`var mu${id}[${E}] = ${arr(mul)};`);
        term = `(${x}[ci${id}[e]] - zp${id}[e]) * mu${id}[e]`;
      }
      ctx.emit(`component wr${id}[${E}];`);
      ctx.emit(`for (var e = 0; e < ${E}; e++) {`);
      ctx.emit(`    wr${id}[e] = RangeCheck(${WB});`);
      ctx.emit(`    wr${id}[e].in <== w[${o} + e] + ${1n << BigInt(WB - 1)};`);
      ctx.emit('}');
      ctx.emit(`signal wp${id}[${E}];`);
    }
    ctx.emit(`component br${id}[${R}];`);
    ctx.emit(`for (var r = 0; r < ${R}; r++) {`);
    ctx.emit(`    br${id}[r] = RangeCheck(${n.biasBits});`);
    ctx.emit(`    br${id}[r].in <== w[${o + E} + r] + ${1n << BigInt(n.biasBits - 1)};`);
    ctx.emit('}');
    let maxRow = 0;
    for (let r = 0; r < R; r++) maxRow = Math.max(maxRow, m.rowPtr[r + 1] - m.rowPtr[r]);
    const chunk = Math.max(1, Math.ceil(Math.sqrt(maxRow)));
    ctx.emit(`for (var r = 0; r < ${R}; r++) {`);
    ctx.emit(`    var acc = w[${o + E} + r];`);
    if (E > 0) {
      ctx.emit(`    for (var e0 = rp${id}[r]; e0 < rp${id}[r + 1]; e0 += ${chunk}) {`);
      ctx.emit('        var part = 0;');
      ctx.emit(`        for (var e = e0; e < e0 + ${chunk} && e < rp${id}[r + 1]; e++) {`);
      ctx.emit(`            wp${id}[e] <== w[${o} + e] * (${term});`);
      ctx.emit(`            part += wp${id}[e];`);
      ctx.emit('        }');
      ctx.emit('        acc += part;');
      ctx.emit('    }');
    }
    ctx.emit(`    ${v}[r] = acc;`);
    ctx.emit('}');
  }

  /** The commitment outputs, after every tensor is rendered. */
  renderCommitments(ctx: PrivacyContext): void {
    for (const g of this.commitments) {
      const c = g.commitment;
      if (!c) throw new CircuitError('RENDER_LAYOUT', `commitment group '${g.role}' has no commitment layout`);
      const id = ctx.fresh('');
      const ends: number[] = [];
      let total = 0;
      for (const r of c.runs) ends.push((total += r.count));
      ctx.emit('');
      ctx.emit(`// ${g.role}: salted Poseidon commitment (${c.scheme}) to ${c.runs.map((r) => `${r.name} (${r.count} × ${r.bits} bits)`).join(', ')}`);
      ctx.emit(`var ce${id}[${c.runs.length}] = ${arr(ends)};`);
      ctx.emit(`var cb${id}[${c.runs.length}] = ${arr(c.runs.map((r) => r.bits))};`);
      ctx.emit(`var cl${id}[${c.runs.length}] = ${arr(c.runs.map((r) => r.lo))};`);
      ctx.emit(`component cm${id} = CommitPacked(${total}, ${c.runs.length}, ce${id}, cb${id}, cl${id}, ${c.rate}, ${c.domain});`);
      ctx.emit(`cm${id}.salt <== ${SALT[g.role as CommitmentRole]};`);
      if (g.role === 'weightsCommitment') {
        ctx.emit(`for (var i = 0; i < ${total}; i++) cm${id}.in[i] <== w[i];`);
      } else {
        const tensors = g.role === 'inputCommitment' ? this.graph.inputs : this.graph.outputs;
        let off = 0;
        for (const t of tensors) {
          const src = ctx.varOf(t);
          const node = this.graph.nodes.find((x) => x.name === t);
          if (!src || !node) throw new CircuitError('RENDER_LAYOUT', `commitment tensor '${t}' is not a tensor of the model`);
          const len = sizeOf(node.shape);
          ctx.emit(`for (var i = 0; i < ${len}; i++) cm${id}.in[${off} + i] <== ${src}[i];`);
          off += len;
        }
        if (off !== total) throw new CircuitError('RENDER_LAYOUT', `commitment '${g.role}' covers ${total} values, the tensors hold ${off}`);
      }
      ctx.emit(`${g.role} <== cm${id}.out;`);
    }
  }
}
