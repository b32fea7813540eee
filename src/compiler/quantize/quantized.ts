/**
 * Quantized models (ONNX QDQ and QOperator formats) → integer IR, reproducing their integer
 * arithmetic (design §2): acc = Σ (q_a − zp_a)(q_b − zp_b) exactly, then
 * y = clamp(round(acc·M) + zp_y) with M = s_a·s_b / s_y represented as m·2^−n.
 *
 * Method. Every float-IR tensor is tracked as an exact affine *form* over integer-IR tensors,
 * element r = Σ c·t[i] + b with rational c, b (rational.ts): DequantizeLinear, Reshape,
 * Transpose, Concat, Conv/Gemm/MatMul with dequantized weights, Add/Mul by constants and
 * AveragePool are all affine, so chains of them compose exactly and cost nothing. A DQ → op → Q
 * pattern is therefore one `quantize` node over a form: per output row the coefficients are
 * u_r·W with integer W (u_r = their rational gcd, e.g. s_x·s_w), the accumulator is
 * acc = Σ W·q + B, and the requantization is ONE fused rescale (IntRescale): the linear
 * expression acc·m_r + (zp_y − lo)·2^n (free) is rounded by the shift n and clamped to the
 * output type in one bit decomposition. A Relu or Clip right before the QuantizeLinear folds
 * into that clamp (the zero-point clamp: lower bound zp_y for Relu). MaxPool compares codes.
 *
 * Precision. m_r = round(M_r·2^n) has `requantBits` significant bits for the largest M_r (31 as
 * in gemmlowp/TFLite by default); trailing zero bits are dropped, so power-of-two scales give
 * m = 1 and cost what the float model's rescale costs. Exact multipliers (power-of-two scales,
 * or within float32 precision of a short dyadic, snapToShortDyadic) round ties half to even as
 * ONNX does (RescaleEven, one constraint more per element); rounded ones half up. The int32 bias of a QDQ model is
 * stored as a float DequantizeLinear with scale fl32(s_x·s_w); it is rounded to the accumulator
 * unit when that moves the output by at most 2^−12 of a step (as onnxruntime adds the int32 bias
 * exactly), otherwise the unit is refined by powers of two.
 *
 * Inputs. A model input must be quantized before any use (QuantizeLinear right after the input,
 * possibly behind Reshape/Transpose or a positive scaling): the circuit input is then the code
 * q − lo ∈ [0, 2^bits) and the encoder applies the QuantizeLinear (IntInput.step).
 */
import { QuantizationError, UnsupportedError } from '../../errors.ts';
import type { ClipNode, Graph, GraphNode, LinearNode, MaxNode, MeanNode, QuantizeNode, ReluNode } from '../graph/ir.ts';
import { quantizeScalar } from '../graph/elementwise.ts';
import { FIELD_SAFE_BITS, absBig, bitLength, clamp, maxBig, minBig, roundShift } from '../integer/arith.ts';
import { rescaleWidth } from '../integer/templateCosts.ts';
import type { IntCsr, IntGraph, IntInput, IntLinear, IntMax, IntNode, IntRescale } from '../integer/ir.ts';
import * as Q from './rational.ts';
import { sinkMax } from './sinkMax.ts';
import type { Rat } from './rational.ts';

/** One line of the quantization report (same shape as the float quantizer's LayerReport). */
export interface QuantizedLayerReport {
  name: string;
  origin: string;
  op: string;
  scale: number;
  lo: string;
  hi: string;
  shift?: number;
  bits?: number;
  accBits?: number;
  /** Significant bits of the largest integer multiplier m. */
  multiplierBits?: number;
  rounding?: 'half-even';
}

export interface QuantizedOptions {
  /** Significant bits of the requantization multipliers (default 31). */
  requantBits?: number;
  /**
   * 'exact' (default): ties round half to even, as ONNX does, wherever the multiplier is exact
   * (RescaleEven, about one constraint more per element). 'half-up': always round half up (the
   * float path's Rescale; exact ties then differ from onnxruntime by one step).
   */
  rounding?: 'exact' | 'half-up';
}

export const DEFAULT_REQUANT_BITS = 31;

/** True when the float graph is a quantized model (it has QuantizeLinear / QLinear* nodes). */
export const isQuantizedGraph = (g: Graph): boolean => g.nodes.some((n) => n.op === 'quantize');

export function lowerQuantized(graph: Graph, opts: QuantizedOptions = {}): { graph: IntGraph; layers: QuantizedLayerReport[] } {
  const g = sinkMax(graph);
  const l = new Lowering(g, opts.requantBits ?? DEFAULT_REQUANT_BITS, opts.rounding ?? 'exact');
  for (const node of g.nodes) l.add(node);
  return l.finish();
}

/** A source of form terms: an integer-IR tensor, or a (not yet quantized) float model input. */
interface Src {
  kind: 'int' | 'float';
  name: string;
}

/** Element r = Σ_{t ∈ rowPtr[r]..rowPtr[r+1]} coef[t]·src[t][idx[t]] + bias[r]. */
interface Form {
  rowPtr: number[];
  src: number[];
  idx: number[];
  coef: Rat[];
  bias: Rat[];
}

/** relu/clip whose every reader is a quantize node: folded into the requantization clamp. */
interface Clamped {
  form: Form;
  lo: number;
  hi: number;
}

/** form_r = unit[r]·node[r] + off[r]. */
interface Exact {
  node: IntNode;
  unit: Rat[];
  off: Rat[];
}

const rowsOf = (f: Form): number => f.rowPtr.length - 1;
const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const pow2 = (k: number): bigint => 1n << BigInt(k);
const TERM_KEY = 2 ** 32;

class Lowering {
  private nodes: IntNode[] = [];
  private inputs = new Map<string, IntInput>();
  private int = new Map<string, IntNode>();
  private forms = new Map<string, Form>();
  private clamped = new Map<string, Clamped>();
  private srcs: Src[] = [];
  private srcIds = new Map<string, number>();
  private readers = new Map<string, GraphNode[]>();
  private outputs: Set<string>;
  private shapes = new Map<string, number[]>();
  private ratCache = new Map<number, Rat>();
  /** Graph output → the integer node it became. */
  private outNames = new Map<string, string>();
  layers: QuantizedLayerReport[] = [];

  constructor(
    private graph: Graph,
    private requantBits: number,
    private roundingMode: 'exact' | 'half-up',
  ) {
    this.outputs = new Set(graph.outputs);
    for (const n of graph.nodes) {
      this.shapes.set(n.name, n.shape);
      const ins = n.op === 'input' ? [] : n.op === 'linear' ? n.inputs : [n.input];
      for (const i of new Set(ins)) this.readers.set(i, [...(this.readers.get(i) ?? []), n]);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private r(x: number): Rat {
    let v = this.ratCache.get(x);
    if (!v) {
      v = Q.fromNumber(x);
      if (this.ratCache.size < 1_000_000) this.ratCache.set(x, v);
    }
    return v;
  }

  private srcId(kind: Src['kind'], name: string): number {
    const key = `${kind}:${name}`;
    let id = this.srcIds.get(key);
    if (id === undefined) {
      id = this.srcs.length;
      this.srcs.push({ kind, name });
      this.srcIds.set(key, id);
    }
    return id;
  }

  private identity(kind: Src['kind'], name: string, n: number, coef: Rat = Q.ONE, bias: Rat = Q.ZERO): Form {
    const s = this.srcId(kind, name);
    return {
      rowPtr: Array.from({ length: n + 1 }, (_, i) => i),
      src: new Array<number>(n).fill(s),
      idx: Array.from({ length: n }, (_, i) => i),
      coef: new Array<Rat>(n).fill(coef),
      bias: new Array<Rat>(n).fill(bias),
    };
  }

  private form(name: string, reader: GraphNode): Form {
    const f = this.forms.get(name);
    if (f) return f;
    if (this.clamped.has(name)) throw new Error(`internal: clamped tensor '${name}' read by ${reader.op}`);
    throw new Error(`internal: no form for '${name}'`);
  }

  private unsupported(node: GraphNode, reason: string): never {
    throw new UnsupportedError('QUANT_UNSUPPORTED', `quantized model: node '${node.origin}' (${node.op}) ${reason}`, {
      fix: 'keep DequantizeLinear → op → QuantizeLinear groups intact (as onnxruntime\'s quantizer writes them), or compile the float model instead',
    });
  }

  private push<T extends IntNode>(n: T, extra: Partial<QuantizedLayerReport> = {}): T {
    const limit = pow2(FIELD_SAFE_BITS);
    if (absBig(n.lo) >= limit || absBig(n.hi) >= limit) {
      throw new QuantizationError('FIELD_OVERFLOW', `layer '${n.origin}' (${n.op}) can exceed ±2^${FIELD_SAFE_BITS}`, {
        fix: 'lower the requantization precision (requantBits) or check the model\'s scales',
      });
    }
    this.nodes.push(n);
    this.int.set(n.name, n);
    this.layers.push({
      name: n.name, origin: n.origin, op: n.op === 'linear' ? `linear(${n.source})` : n.op, scale: n.scale,
      lo: n.lo.toString(), hi: n.hi.toString(), ...extra,
    });
    return n;
  }

  private fresh(base: string): string {
    let name = base;
    for (let k = 1; this.int.has(name) || this.inputs.has(name); k++) name = `${base}::${k}`;
    return name;
  }

  /** Emits an integer linear node from rows of (source id, index, integer weight) and integer biases. */
  private emitLinear(
    name: string,
    origin: string,
    shape: number[],
    source: string,
    rows: { terms: [number, number, bigint][]; bias: bigint }[],
    scale = 0,
  ): IntLinear {
    const blocks: string[] = [];
    const offset = new Map<number, number>();
    let cols = 0;
    for (const row of rows) {
      for (const [s] of row.terms) {
        if (offset.has(s)) continue;
        const src = this.srcs[s];
        if (src.kind !== 'int') throw new Error('internal: float source in an integer linear node');
        offset.set(s, cols);
        blocks.push(src.name);
        cols += sizeOf(this.int.get(src.name)!.shape);
      }
    }
    const rowPtr = new Int32Array(rows.length + 1);
    const colIdx: number[] = [];
    const values: bigint[] = [];
    const bias: bigint[] = [];
    let lo = 0n;
    let hi = 0n;
    rows.forEach((row, r) => {
      const entries = row.terms
        .filter(([, , w]) => w !== 0n)
        .map(([s, i, w]) => [offset.get(s)! + i, w, this.int.get(this.srcs[s].name)!] as const)
        .sort((a, b) => a[0] - b[0]);
      let rlo = row.bias;
      let rhi = row.bias;
      for (const [c, w, x] of entries) {
        colIdx.push(c);
        values.push(w);
        const p1 = w * x.lo;
        const p2 = w * x.hi;
        rlo += minBig(p1, p2);
        rhi += maxBig(p1, p2);
      }
      rowPtr[r + 1] = colIdx.length;
      bias.push(row.bias);
      if (r === 0 || rlo < lo) lo = rlo;
      if (r === 0 || rhi > hi) hi = rhi;
    });
    const matrix: IntCsr = { rows: rows.length, cols, rowPtr, colIdx: Int32Array.from(colIdx), values };
    return this.push<IntLinear>({
      op: 'linear', kind: 'expr', name: this.fresh(name), origin, shape, source, inputs: blocks, matrix, bias,
      lo, hi, scale, zeroPoint: 0n,
    });
  }

  // ---- float IR nodes ---------------------------------------------------------------------

  add(node: GraphNode): void {
    switch (node.op) {
      case 'input':
        this.forms.set(node.name, this.identity('float', node.name, sizeOf(node.shape)));
        return;
      case 'linear':
        this.forms.set(node.name, this.composeLinear(node));
        return;
      case 'mean':
        this.forms.set(node.name, this.composeMean(node));
        return;
      case 'quantize':
        this.forms.set(node.name, this.quantize(node));
        return;
      case 'relu':
      case 'clip':
        this.clampNode(node);
        return;
      case 'max':
        this.forms.set(node.name, this.max(node));
        return;
      case 'activation':
        this.unsupported(node, `(${node.fn}) on dequantized values has no exact integer form; only Relu, Clip, MaxPool and affine ops are supported between DequantizeLinear and QuantizeLinear`);
    }
  }

  /** Σ_e m_e · form(input)[col_e] + b: exact composition. */
  private composeLinear(node: LinearNode): Form {
    const parts = node.inputs.map((name) => this.form(name, node));
    const blockOf: { f: Form; start: number }[] = [];
    let start = 0;
    const colBlock = new Int32Array(node.matrix.cols);
    parts.forEach((f, k) => {
      blockOf.push({ f, start });
      colBlock.fill(k, start, start + rowsOf(f));
      start += rowsOf(f);
    });
    const m = node.matrix;
    const out = newForm();
    for (let r = 0; r < m.rows; r++) {
      const acc = new Map<number, Rat>();
      let bias = this.r(node.bias[r]);
      for (let e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
        const { f, start: s0 } = blockOf[colBlock[m.colIdx[e]]];
        const el = m.colIdx[e] - s0;
        const w = this.r(m.values[e]);
        bias = Q.add(bias, Q.mul(w, f.bias[el]));
        for (let t = f.rowPtr[el]; t < f.rowPtr[el + 1]; t++) {
          const key = f.src[t] * TERM_KEY + f.idx[t];
          const prev = acc.get(key);
          const term = Q.mul(w, f.coef[t]);
          acc.set(key, prev ? Q.add(prev, term) : term);
        }
      }
      pushRow(out, acc, bias);
    }
    return out;
  }

  /** mean_i = Σ_{j ∈ windows[i]} x_j / divisor[i] (padding adds zero): affine. */
  private composeMean(node: MeanNode): Form {
    const f = this.form(node.input, node);
    const out = newForm();
    node.windows.forEach((w, i) => {
      const inv = Q.rat(1n, BigInt(node.divisor[i]));
      const acc = new Map<number, Rat>();
      let bias = Q.ZERO;
      for (const j of w) {
        bias = Q.add(bias, f.bias[j]);
        for (let t = f.rowPtr[j]; t < f.rowPtr[j + 1]; t++) {
          const key = f.src[t] * TERM_KEY + f.idx[t];
          const prev = acc.get(key);
          acc.set(key, prev ? Q.add(prev, f.coef[t]) : f.coef[t]);
        }
      }
      for (const [k, v] of acc) acc.set(k, Q.mul(v, inv));
      pushRow(out, acc, Q.mul(bias, inv));
    });
    return out;
  }

  /** relu/clip: deferred when only quantize nodes read it (folded into their clamp), else materialized. */
  private clampNode(node: ReluNode | ClipNode): void {
    const lo = node.op === 'relu' ? 0 : node.lo;
    const hi = node.op === 'relu' ? Infinity : node.hi;
    const inner = this.clamped.get(node.input);
    const readers = this.readers.get(node.name) ?? [];
    const deferrable = !this.outputs.has(node.name) && readers.length > 0 && readers.every((r) => r.op === 'quantize' || r.op === 'relu' || r.op === 'clip');
    if (inner) {
      const c = { form: inner.form, lo: Math.max(lo, inner.lo), hi: Math.min(hi, inner.hi) };
      if (deferrable) this.clamped.set(node.name, c);
      else this.forms.set(node.name, this.materializeClamp(node, c));
      return;
    }
    const c = { form: this.form(node.input, node), lo, hi };
    if (deferrable) this.clamped.set(node.name, c);
    else this.forms.set(node.name, this.materializeClamp(node, c));
  }

  // ---- quantize: the requantization ------------------------------------------------------

  private quantize(node: QuantizeNode): Form {
    const c = this.clamped.get(node.input);
    const f = c ? c.form : this.form(node.input, node);
    const n = rowsOf(f);
    const scaleOf = (r: number): number => node.scale[node.scale.length > 1 ? r : 0];
    // Clamp bounds in codes: the type's [lo, hi], narrowed by a folded Relu/Clip (monotone rounding).
    let lo = node.lo;
    let hi = node.hi;
    if (c) {
      const los = new Set<number>();
      const his = new Set<number>();
      for (let r = 0; r < n; r++) {
        los.add(c.lo === -Infinity ? node.lo : quantizeScalar(c.lo, scaleOf(r), node.zeroPoint, node.lo, node.hi));
        his.add(c.hi === Infinity ? node.hi : quantizeScalar(c.hi, scaleOf(r), node.zeroPoint, node.lo, node.hi));
      }
      if (los.size > 1 || his.size > 1) this.unsupported(node, 'clamps per-channel requantized values to bounds that differ per channel');
      lo = [...los][0];
      hi = [...his][0];
    }
    if (f.src.some((s) => this.srcs[s].kind === 'float')) {
      if (c) this.unsupported(node, 'quantizes a model input behind a Relu/Clip; quantize the input first');
      return this.quantizeInput(node, f);
    }
    const B = Math.max(1, bitLength(BigInt(hi - lo)));
    const zp = BigInt(node.zeroPoint);
    const olo = BigInt(lo);

    // Per row: integer weights W = c/u, bias B = b/u, multiplier M = u/s.
    interface Row { terms: [number, number, bigint][]; bias: bigint; M?: Rat; code?: bigint }
    const rows: Row[] = [];
    for (let r = 0; r < n; r++) {
      const s = this.r(scaleOf(r));
      const t0 = f.rowPtr[r];
      const t1 = f.rowPtr[r + 1];
      if (t0 === t1) {
        // A constant element: its code, computed exactly here.
        const code = BigInt(quantizeScalar(Q.toNumber(f.bias[r]), scaleOf(r), node.zeroPoint, lo, hi));
        rows.push({ terms: [], bias: 0n, code });
        continue;
      }
      const u = Q.gcdAll(f.coef.slice(t0, t1))!;
      let M = snapToShortDyadic(Q.div(u, s));
      let Bq = Q.div(f.bias[r], u);
      let scale = 1n;
      for (let j = 0; j < 48 && !Q.isInt(Bq) && Q.toNumber(Q.fracDistance(Bq)) * Q.toNumber(M) > 2 ** -12; j++) {
        Bq = Q.mulInt(Bq, 2n);
        M = Q.div(M, { n: 2n, d: 1n });
        scale *= 2n;
      }
      const terms: [number, number, bigint][] = [];
      for (let t = t0; t < t1; t++) {
        const w = Q.div(f.coef[t], u);
        if (!Q.isInt(w)) throw new Error('internal: gcd does not divide a coefficient');
        terms.push([f.src[t], f.idx[t], w.n * scale]);
      }
      rows.push({ terms, bias: Q.roundHalfUp(Bq), M });
    }
    // Common shift n: the largest multiplier gets `requantBits` significant bits.
    const Ms = rows.filter((x) => x.M).map((x) => x.M!);
    let shift = 0;
    let ms: bigint[] = [];
    if (Ms.length > 0) {
      const top = Math.max(...Ms.map((M) => Q.log2Abs(M)));
      shift = Math.max(0, this.requantBits - 1 - Math.floor(top));
      ms = Ms.map((M) => Q.roundHalfUp(Q.mulInt(M, pow2(shift))));
      while (shift > 0 && ms.every((m) => m % 2n === 0n)) {
        ms = ms.map((m) => m / 2n);
        shift--;
      }
    }
    let k = 0;
    const accRows = rows.map((row) => {
      if (row.code !== undefined) return { terms: [], bias: (row.code - olo) << BigInt(shift) };
      const m = ms[k++];
      return {
        terms: row.terms.map(([s, i, w]) => [s, i, w * m] as [number, number, bigint]),
        bias: row.bias * m + ((zp - olo) << BigInt(shift)),
      };
    });
    // Exact multipliers (e.g. power-of-two scales) make onnxruntime's ties real: round them half to
    // even as ONNX does (RescaleEven). Rounded multipliers already differ from its float32 product,
    // so ties there are as rare as any other one-off difference and half up (cheaper) is kept.
    const exact = ms.every((m, i) => Q.eq(Q.rat(m, pow2(shift)), Ms[i]));
    const rounding = exact && shift > 0 && this.roundingMode === 'exact' ? ('half-even' as const) : undefined;
    const mBits = ms.length ? Math.max(...ms.map((m) => bitLength(absBig(m)))) : 0;
    const accScale = shift - Math.log2(scaleOf(0));
    const acc = this.emitLinear(`${node.name}::acc`, node.origin, node.shape, 'requantize', accRows, accScale);
    if (shift === 0 && acc.lo >= 0n && acc.hi <= BigInt(hi - lo)) {
      // Neither rounds nor clamps (e.g. DQ → MaxPool → Q with equal parameters): the linear node is the result.
      acc.scale = -Math.log2(scaleOf(0));
      acc.zeroPoint = 0n;
      return this.identity('int', acc.name, n, Q.ONE, Q.rat(olo));
    }
    const A = rescaleWidth(acc.lo, acc.hi, shift, rounding);
    const top = pow2(B) - 1n;
    const rs = this.push<IntRescale>(
      {
        op: 'rescale', kind: 'signal', name: this.fresh(node.name), origin: node.origin, shape: node.shape, input: acc.name,
        shift, bits: B, relu: true, lo: clamp(roundShift(acc.lo, shift), 0n, top), hi: clamp(roundShift(acc.hi, shift), 0n, top),
        scale: -Math.log2(scaleOf(0)), zeroPoint: zp - olo, ...(rounding ? { rounding } : {}),
      },
      { shift, bits: B, accBits: A, multiplierBits: mBits, ...(rounding ? { rounding } : {}) },
    );
    let out: IntNode = rs;
    if (top > BigInt(hi - lo)) out = this.minConst(rs, new Array<bigint>(n).fill(BigInt(hi - lo)), node.origin, `${node.name}::max`);
    return this.identity('int', out.name, n, Q.ONE, Q.rat(olo));
  }

  /** QuantizeLinear of a model input (possibly behind a gather or a positive scaling): the circuit input. */
  private quantizeInput(node: QuantizeNode, f: Form): Form {
    const n = rowsOf(f);
    let input: string | undefined;
    let coef: Rat | undefined;
    let bias: Rat | undefined;
    const idx: number[] = [];
    for (let r = 0; r < n; r++) {
      const t = f.rowPtr[r];
      const s = this.srcs[f.src[t]];
      const ok = f.rowPtr[r + 1] - t === 1 && s.kind === 'float' && (input === undefined || s.name === input) &&
        (coef === undefined || Q.eq(coef, f.coef[t])) && (bias === undefined || Q.eq(bias, f.bias[r])) && f.coef[t].n > 0n;
      if (!ok) this.unsupported(node, 'quantizes a model input mixed with other values; a model input must be quantized by itself before any other use');
      input = s.name;
      coef = f.coef[t];
      bias = f.bias[r];
      idx.push(f.idx[t]);
    }
    if (node.scale.length > 1 && node.scale.some((s) => s !== node.scale[0])) this.unsupported(node, 'quantizes a model input per axis');
    // q = rne((c·x + b) / s) + zp = rne(x / (s/c)) + zp + b/s when b/s is an integer.
    const s = node.scale[0];
    const shiftZp = Q.div(bias!, this.r(s));
    if (!Q.isInt(shiftZp)) this.unsupported(node, 'quantizes a model input with an offset that is not a whole number of steps');
    const step = Q.toNumber(Q.div(this.r(s), coef!));
    const zp = node.zeroPoint + Number(shiftZp.n);
    if (zp < node.lo || zp > node.hi) this.unsupported(node, 'quantizes a model input with a zero point outside the type range');
    const bits = Math.max(1, bitLength(BigInt(node.hi - node.lo)));
    const prev = this.inputs.get(input!);
    if (prev) {
      if (prev.step !== step || prev.zeroPoint !== BigInt(zp - node.lo) || prev.bits !== bits) {
        this.unsupported(node, `quantizes input '${input}' differently from another QuantizeLinear of it`);
      }
    } else {
      const shape = this.shapes.get(input!)!;
      const inp: IntInput = {
        op: 'input', kind: 'signal', name: input!, origin: input!, shape, bits, lo: 0n, hi: pow2(bits) - 1n,
        scale: -Math.log2(step), zeroPoint: BigInt(zp - node.lo), step,
      };
      this.inputs.set(input!, inp);
      this.int.set(input!, inp);
    }
    const sid = this.srcId('int', input!);
    return {
      rowPtr: Array.from({ length: n + 1 }, (_, i) => i),
      src: new Array<number>(n).fill(sid),
      idx,
      coef: new Array<Rat>(n).fill(Q.ONE),
      bias: new Array<Rat>(n).fill(Q.rat(BigInt(node.lo))),
    };
  }

  // ---- materialization ---------------------------------------------------------------------

  private noFloat(f: Form, node: GraphNode): void {
    const s = f.src.find((x) => this.srcs[x].kind === 'float');
    if (s !== undefined) {
      this.unsupported(node, `uses model input '${this.srcs[s].name}' as a float; in a quantized model every input must go through QuantizeLinear first`);
    }
  }

  /** The form as one integer tensor N with form_r = unit_r·N_r + off_r, off_r ∈ [0, unit_r). */
  private exact(f: Form, node: GraphNode, name: string, shape: number[], uniform = false): Exact {
    this.noFloat(f, node);
    const n = rowsOf(f);
    if (uniform) {
      // One unit for every element, biases included: all elements are comparable integers.
      const U = Q.gcdAll([...f.coef, ...f.bias]) ?? Q.ONE;
      const rows = [];
      for (let r = 0; r < n; r++) {
        const terms: [number, number, bigint][] = [];
        for (let t = f.rowPtr[r]; t < f.rowPtr[r + 1]; t++) terms.push([f.src[t], f.idx[t], Q.div(f.coef[t], U).n]);
        rows.push({ terms, bias: Q.div(f.bias[r], U).n });
      }
      const x = this.emitLinear(name, node.origin, shape, node.op, rows);
      return { node: x, unit: new Array<Rat>(n).fill(U), off: new Array<Rat>(n).fill(Q.ZERO) };
    }
    // Identity over one existing tensor: no new node.
    if (n > 0 && f.src.length === n && f.rowPtr.every((p, i) => p === i) && f.idx.every((i, r) => i === r) && f.src.every((s) => s === f.src[0])) {
      const x = this.int.get(this.srcs[f.src[0]].name)!;
      if (sizeOf(x.shape) === n && f.coef.every((c) => c.n > 0n)) return { node: x, unit: [...f.coef], off: [...f.bias] };
    }
    const unit: Rat[] = [];
    const off: Rat[] = [];
    const rows = [];
    for (let r = 0; r < n; r++) {
      const t0 = f.rowPtr[r];
      const t1 = f.rowPtr[r + 1];
      const u = Q.gcdAll(f.coef.slice(t0, t1)) ?? Q.ONE;
      const k = Q.floor(Q.div(f.bias[r], u));
      unit.push(u);
      off.push(Q.sub(f.bias[r], Q.mulInt(u, k)));
      const terms: [number, number, bigint][] = [];
      for (let t = t0; t < t1; t++) terms.push([f.src[t], f.idx[t], Q.div(f.coef[t], u).n]);
      rows.push({ terms, bias: k });
    }
    return { node: this.emitLinear(name, node.origin, shape, node.op === 'linear' ? node.kind : node.op, rows), unit, off };
  }

  private max(node: MaxNode): Form {
    const f = this.form(node.input, node);
    let x = this.exact(f, node, `${node.name}::in`, this.shapes.get(node.input)!);
    const comparable = (e: Exact): boolean => node.windows.every((w) => Array.from(w).every((j) => Q.eq(e.unit[j], e.unit[w[0]]) && Q.eq(e.off[j], e.off[w[0]])));
    // Elements of a window with different scales or offsets: compare them in one common unit.
    if (!comparable(x)) x = this.exact(f, node, `${node.name}::in`, this.shapes.get(node.input)!, true);
    const unit = node.windows.map((w) => x.unit[w[0]]);
    const off = node.windows.map((w) => x.off[w[0]]);
    const m = this.push<IntMax>({
      op: 'max', kind: 'signal', name: this.fresh(node.name), origin: node.origin, shape: node.shape, input: x.node.name,
      windows: node.windows, lo: x.node.lo, hi: x.node.hi, scale: x.node.scale, zeroPoint: x.node.zeroPoint,
    });
    return this.scaled(m, unit, off);
  }

  /** Form unit_r·node_r + off_r over an integer tensor. */
  private scaled(x: IntNode, unit: Rat[], off: Rat[]): Form {
    const n = unit.length;
    const s = this.srcId('int', x.name);
    return { rowPtr: Array.from({ length: n + 1 }, (_, i) => i), src: new Array<number>(n).fill(s), idx: Array.from({ length: n }, (_, i) => i), coef: unit, bias: off };
  }

  /**
   * Relu/Clip whose result is used as a value (not only requantized): max/min of the integer
   * tensor with constants. With a fractional offset (off ≠ 0) the clamped side is off instead of
   * the bound, an error below one unit of the accumulator.
   */
  private materializeClamp(node: ReluNode | ClipNode, c: Clamped): Form {
    const x = this.exact(c.form, node, `${node.name}::in`, node.shape);
    let cur: IntNode = x.node;
    if (c.lo !== -Infinity) {
      const k = x.unit.map((u, r) => -Q.floor(Q.div(Q.sub(x.off[r], this.r(c.lo)), u)));
      cur = this.maxConst(cur, k, node.origin, `${node.name}::lo`);
    }
    if (c.hi !== Infinity) {
      const k = x.unit.map((u, r) => Q.floor(Q.div(Q.sub(this.r(c.hi), x.off[r]), u)));
      cur = this.minConst(cur, k, node.origin, `${node.name}::hi`);
    }
    return this.scaled(cur, x.unit, x.off);
  }

  /** max(x_r, k_r) elementwise: Max2 over the pairs of a concatenation [x; k]. */
  private maxConst(x: IntNode, k: bigint[], origin: string, name: string): IntNode {
    const n = k.length;
    const sx = this.srcId('int', x.name);
    const rows = [
      ...Array.from({ length: n }, (_, i) => ({ terms: [[sx, i, 1n]] as [number, number, bigint][], bias: 0n })),
      ...k.map((v) => ({ terms: [] as [number, number, bigint][], bias: v })),
    ];
    const cat = this.emitLinear(`${name}::pair`, origin, [2 * n], 'Concat', rows);
    const windows = Array.from({ length: n }, (_, i) => Int32Array.of(i, n + i));
    return this.push<IntMax>({
      op: 'max', kind: 'signal', name: this.fresh(name), origin, shape: x.shape, input: cat.name, windows,
      lo: maxBig(x.lo, k.reduce(minBig)), hi: maxBig(x.hi, k.reduce(maxBig)), scale: x.scale, zeroPoint: x.zeroPoint,
    });
  }

  /** min(x_r, k_r) = x_r + k_r − max(x_r, k_r). */
  private minConst(x: IntNode, k: bigint[], origin: string, name: string): IntNode {
    const m = this.maxConst(x, k, origin, `${name}::max`);
    const sx = this.srcId('int', x.name);
    const sm = this.srcId('int', m.name);
    const out = this.emitLinear(name, origin, x.shape, 'Min', k.map((v, i) => ({ terms: [[sx, i, 1n], [sm, i, -1n]] as [number, number, bigint][], bias: v })), x.scale);
    out.lo = minBig(x.lo, k.reduce(minBig));
    out.hi = minBig(x.hi, k.reduce(maxBig));
    this.layers[this.layers.length - 1].lo = out.lo.toString();
    this.layers[this.layers.length - 1].hi = out.hi.toString();
    return out;
  }

  // ---- outputs ----------------------------------------------------------------------------

  /** An output as one integer tensor with a uniform real unit U: value = U·(q − zeroPoint). */
  private output(name: string): IntNode {
    const node = this.graph.nodes.find((x) => x.name === name)!;
    const c = this.clamped.get(name);
    const f = c ? this.materializeClamp(node as ReluNode | ClipNode, c) : this.form(name, node);
    this.noFloat(f, node);
    const n = rowsOf(f);
    const U = Q.gcdAll(f.coef) ?? Q.ONE;
    // An existing tensor seen through a uniform dequantization: use it as it is.
    if (n > 0 && f.src.length === n && f.rowPtr.every((p, i) => p === i) && f.idx.every((i, r) => i === r) && f.src.every((s) => s === f.src[0]) &&
      f.coef.every((x) => Q.eq(x, f.coef[0])) && f.bias.every((b) => Q.eq(b, f.bias[0])) && Q.isInt(Q.div(f.bias[0], f.coef[0]))) {
      const x = this.int.get(this.srcs[f.src[0]].name)!;
      // (Not an input: its zero point is its encoding. Rescale/max outputs' zero points are only labels.)
      if (sizeOf(x.shape) === n && (x.op === 'rescale' || x.op === 'max') && !this.graph.outputs.some((o) => o !== name && this.outNames.get(o) === x.name)) {
        x.zeroPoint = -Q.div(f.bias[0], f.coef[0]).n;
        x.scale = -Q.log2Abs(f.coef[0]);
        return x;
      }
    }
    const rows = [];
    for (let r = 0; r < n; r++) {
      const terms: [number, number, bigint][] = [];
      for (let t = f.rowPtr[r]; t < f.rowPtr[r + 1]; t++) terms.push([f.src[t], f.idx[t], Q.div(f.coef[t], U).n]);
      rows.push({ terms, bias: Q.roundHalfUp(Q.div(f.bias[r], U)) });
    }
    return this.emitLinear(this.int.has(name) ? `${name}::out` : name, node.origin, node.shape, 'output', rows, -Q.log2Abs(U));
  }

  finish(): { graph: IntGraph; layers: QuantizedLayerReport[] } {
    const outputs = this.graph.outputs.map((o) => {
      const x = this.output(o);
      this.outNames.set(o, x.name);
      return x.name;
    });
    // Inputs first, in model order (the renderer and the encoder lay out `in[]` in this order).
    const inputs = this.graph.inputs.map((name) => {
      const i = this.inputs.get(name);
      if (i) return i;
      const shape = this.shapes.get(name)!;
      return { op: 'input', kind: 'signal', name, origin: name, shape, bits: 8, lo: 0n, hi: 255n, scale: 0, zeroPoint: 0n, step: 1 } as IntInput;
    });
    const inputLayers: QuantizedLayerReport[] = inputs.map((n) => ({
      name: n.name, origin: n.origin, op: 'input', scale: n.scale, lo: n.lo.toString(), hi: n.hi.toString(), bits: n.bits,
    }));
    return {
      graph: { name: this.graph.name, nodes: [...inputs, ...this.nodes], inputs: this.graph.inputs, outputs },
      layers: [...inputLayers, ...this.layers],
    };
  }
}

/**
 * A multiplier within 2^−22 (relative) of a dyadic rational with at most 8 significant bits
 * (e.g. s_a/s_b = 2.75 for scales 0.011 and 0.004) is that dyadic: the difference is below the
 * float32 precision onnxruntime computes in, whose products then land exactly on its multiples,
 * ties included. Snapping makes the multiplier exact, so ties round half to even as there.
 */
function snapToShortDyadic(M: Rat): Rat {
  const e = Math.floor(Q.log2Abs(M));
  for (let bits = 1; bits <= 8; bits++) {
    const k = bits - 1 - e; // M·2^k ∈ [2^(bits−1), 2^bits)
    const scaled = k >= 0 ? Q.mulInt(M, 1n << BigInt(k)) : Q.div(M, Q.rat(1n << BigInt(-k)));
    const m = Q.roundHalfUp(scaled);
    const d = Q.sub(scaled, Q.rat(m));
    if (Q.toNumber(d.n < 0n ? Q.neg(d) : d) <= Q.toNumber(scaled) * 2 ** -22) {
      return k >= 0 ? Q.rat(m, 1n << BigInt(k)) : Q.rat(m << BigInt(-k));
    }
  }
  return M;
}

function newForm(): Form {
  return { rowPtr: [0], src: [], idx: [], coef: [], bias: [] };
}

function pushRow(f: Form, terms: Map<number, Rat>, bias: Rat): void {
  const keys = [...terms.keys()].sort((a, b) => a - b);
  for (const k of keys) {
    const c = terms.get(k)!;
    if (Q.isZero(c)) continue;
    f.src.push(Math.floor(k / TERM_KEY));
    f.idx.push(k % TERM_KEY);
    f.coef.push(c);
  }
  f.bias.push(bias);
  f.rowPtr.push(f.src.length);
}
