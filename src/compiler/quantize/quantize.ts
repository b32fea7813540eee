/**
 * Quantization of a float graph into the integer IR (design §2): power-of-two fixed point.
 *
 *  - input:  q = round(x·2^s) + zp, q ∈ [0, 2^inputBits); zp = 0 when calibration saw no
 *            negative input, else 2^(inputBits−1).
 *  - linear: weights round(w·2^s_w) with s_w the largest scale that fits weightBits (or the
 *            smallest exact one, e.g. 0 for 0/1 layout matrices), exact accumulation at
 *            s_in + s_w, bias at that scale; zero points fold into the bias.
 *  - relu:   the fused rescale (IntRescale, relu) down to activationBits unsigned, with the
 *            output scale chosen from the calibrated maximum.
 *  - a dense linear never consumes an accumulator: a signed IntRescale is inserted first.
 *  - max:    on the input as it is (accumulator or activation); mean: IntDiv with exact
 *            round-half-up division.
 * Every tensor's static interval is propagated; anything beyond ±2^250 is refused.
 */
import { QuantizationError } from '../../errors.ts';
import type { CsrMatrix, Graph, GraphNode, LinearNode } from '../graph/ir.ts';
import { FIELD_SAFE_BITS, absBig, clamp, maxBig, minBig, roundShift, signedWidth } from '../integer/arith.ts';
import type { IntCsr, IntGraph, IntInput, IntLinear, IntNode, IntRescale } from '../integer/ir.ts';
import type { Range } from './calibrate.ts';
import { committedLinear, isWeightedKind, weightsLayout, type CommittedNode } from './committedWeights.ts';
import type { WeightsLayout } from '../../manifest.ts';
import { isQuantizedGraph, quantizeQuantizedModel } from './quantizedModel.ts';
import { lowerActivation, lowerClip, type FloatLoweringContext } from './floatNonlinear.ts';

export interface QuantizeOptions {
  inputBits: number;
  weightBits: number;
  activationBits: number;
  /** Fixed scale exponent for inputs and activations (overrides calibration). */
  scale?: number;
  /** 'committed': weighted layers take their weights as private inputs (committedWeights.ts). */
  weights?: 'constant' | 'committed';
  /** Quantized models: significant bits of the requantization multipliers (quantized.ts; default 31). */
  requantBits?: number;
  /** Quantized models: 'exact' (ONNX's half-even ties, default) or 'half-up' (quantized.ts). */
  requantRounding?: 'exact' | 'half-up';
}

/** One line of the quantization report (manifest.quantization.layers). */
export interface LayerReport {
  name: string;
  origin: string;
  op: string;
  scale: number;
  lo: string;
  hi: string;
  weightScale?: number;
  shift?: number;
  bits?: number;
  accBits?: number;
}

export interface QuantizeResult {
  graph: IntGraph;
  layers: LayerReport[];
  /** With weights 'committed': the layout of the private weights (absent when no layer has weights). */
  weights?: WeightsLayout;
}

export function quantize(graph: Graph, ranges: Map<string, Range>, opts: QuantizeOptions): QuantizeResult {
  // Quantized models (QDQ / QOperator) keep their own integer arithmetic: quantized.ts.
  if (isQuantizedGraph(graph)) {
    if (opts.weights === 'committed') {
      throw new QuantizationError('COMMITTED_QUANTIZED', '--weights committed is not supported for quantized (QDQ / QOperator) ONNX models yet', {
        fix: 'use --weights constant, or the float model',
      });
    }
    return quantizeQuantizedModel(graph, opts);
  }
  const q = new Quantizer(graph, ranges, opts);
  for (const node of graph.nodes) q.add(node);
  return q.finish();
}

const MAX_SCALE = 24;

/** Largest s with maxAbs·2^s ≤ limit (s ≤ MAX_SCALE). */
function fitScale(maxAbs: number, limit: number): number {
  if (!(maxAbs > 0)) return 0;
  return Math.min(MAX_SCALE, Math.floor(Math.log2(limit / maxAbs)));
}

class Quantizer {
  private nodes: IntNode[] = [];
  private byFloat = new Map<string, IntNode>();
  private consumers = new Map<string, GraphNode[]>();
  layers: LayerReport[] = [];
  private committed: CommittedNode[] = [];

  constructor(
    private graph: Graph,
    private ranges: Map<string, Range>,
    private opts: QuantizeOptions,
  ) {
    for (const n of graph.nodes) {
      const ins = n.op === 'input' ? [] : n.op === 'linear' ? n.inputs : [n.input];
      for (const i of ins) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    }
  }

  private range(name: string): Range {
    const r = this.ranges.get(name);
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max)) {
      throw new QuantizationError('NO_CALIBRATION', `no calibration range for tensor '${name}'`, {
        fix: 'pass calibration samples with --calibration samples.json',
      });
    }
    return r;
  }

  private push<T extends IntNode>(n: T): T {
    const limit = 1n << BigInt(FIELD_SAFE_BITS);
    if (absBig(n.lo) >= limit || absBig(n.hi) >= limit) {
      throw new QuantizationError('FIELD_OVERFLOW', `layer '${n.origin}' (${n.op}) can exceed ±2^${FIELD_SAFE_BITS}`, {
        fix: 'lower --weight-bits / --activation-bits or insert an activation between linear layers',
      });
    }
    this.nodes.push(n);
    this.layers.push({
      name: n.name,
      origin: n.origin,
      op: n.op === 'linear' ? `linear(${n.source})` : n.op,
      scale: n.scale,
      lo: n.lo.toString(),
      hi: n.hi.toString(),
      ...(n.op === 'rescale' ? { shift: n.shift, bits: n.bits, accBits: this.accBits(n) } : {}),
    });
    return n;
  }

  /** What floatNonlinear.ts needs of the quantizer (Clip, Sigmoid, Tanh). */
  private nonlinearContext(): FloatLoweringContext {
    return {
      get: (name) => this.byFloat.get(name)!,
      push: (n) => this.push(n),
      note: (fields) => Object.assign(this.layers[this.layers.length - 1], fields),
      range: (name) => this.range(name),
      activationBits: this.opts.activationBits,
      fixedScale: this.opts.scale,
    };
  }

  private accBits(n: IntRescale): number {
    const src = this.nodes.find((m) => m.name === n.input)!;
    const half = n.shift > 0 ? 1n << BigInt(n.shift - 1) : 0n;
    return signedWidth(src.lo - src.zeroPoint + half, src.hi - src.zeroPoint + half);
  }

  add(node: GraphNode): void {
    switch (node.op) {
      case 'input':
        this.byFloat.set(node.name, this.addInput(node));
        return;
      case 'linear':
        this.byFloat.set(node.name, this.addLinear(node));
        return;
      case 'relu': {
        const x = this.byFloat.get(node.input)!;
        this.byFloat.set(node.name, this.addRescale(x, node.name, node.origin, node.shape, true));
        return;
      }
      case 'clip':
        this.byFloat.set(node.name, lowerClip(this.nonlinearContext(), node));
        return;
      case 'activation':
        this.byFloat.set(node.name, lowerActivation(this.nonlinearContext(), node));
        return;
      case 'quantize':
        throw new Error('internal: a quantize node reached the float quantizer (quantized models go through quantized.ts)');
      case 'max': {
        const x = this.byFloat.get(node.input)!;
        this.byFloat.set(
          node.name,
          this.push({
            op: 'max', kind: 'signal', name: node.name, origin: node.origin, shape: node.shape,
            input: x.name, windows: node.windows, lo: x.lo, hi: x.hi, scale: x.scale, zeroPoint: x.zeroPoint,
          }),
        );
        return;
      }
      case 'mean': {
        let x = this.byFloat.get(node.input)!;
        if (x.lo < 0n || x.zeroPoint < 0n) x = this.addRescale(x, `${node.name}::in`, node.origin, this.shapeOf(node.input), false);
        this.byFloat.set(
          node.name,
          this.push({
            op: 'div', kind: 'signal', name: node.name, origin: node.origin, shape: node.shape,
            input: x.name, windows: node.windows, divisor: node.divisor, pad: x.zeroPoint,
            lo: x.lo, hi: x.hi, scale: x.scale, zeroPoint: x.zeroPoint,
          }),
        );
        return;
      }
    }
  }

  private shapeOf(name: string): number[] {
    return this.graph.nodes.find((n) => n.name === name)!.shape;
  }

  private addInput(node: GraphNode & { op: 'input' }): IntInput {
    const B = this.opts.inputBits;
    const r = this.range(node.name);
    const signed = r.min < 0;
    const zp = signed ? 1n << BigInt(B - 1) : 0n;
    const limit = signed ? 2 ** (B - 1) - 1 : 2 ** B - 1;
    const scale = this.opts.scale ?? fitScale(Math.max(Math.abs(r.min), Math.abs(r.max)), limit);
    return this.push({
      op: 'input', kind: 'signal', name: node.name, origin: node.origin, shape: node.shape,
      bits: B, lo: 0n, hi: (1n << BigInt(B)) - 1n, scale, zeroPoint: zp,
    });
  }

  /**
   * Fused rescale to activationBits. The output scale comes from the calibrated range of the
   * float tensor `floatName` (the ReLU's output, or the accumulator being narrowed).
   */
  private addRescale(x: IntNode, floatName: string, origin: string, shape: number[], relu: boolean): IntRescale {
    const B = this.opts.activationBits;
    const r = this.ranges.get(floatName) ?? this.range(x.name);
    const maxAbs = relu ? Math.max(r.max, 0) : Math.max(Math.abs(r.min), Math.abs(r.max));
    let scale = this.opts.scale ?? fitScale(maxAbs, relu ? 2 ** B - 1 : 2 ** (B - 1) - 1);
    if (scale > x.scale) scale = x.scale; // never scale up: nothing to gain, k would be negative
    const shift = x.scale - scale;
    const lo = roundShift(x.lo - x.zeroPoint, shift);
    const hi = roundShift(x.hi - x.zeroPoint, shift);
    const Bn = BigInt(B);
    const [olo, ohi, zp] = relu
      ? [clamp(lo, 0n, (1n << Bn) - 1n), clamp(hi, 0n, (1n << Bn) - 1n), 0n]
      : [
          clamp(lo, -(1n << (Bn - 1n)), (1n << (Bn - 1n)) - 1n) + (1n << (Bn - 1n)),
          clamp(hi, -(1n << (Bn - 1n)), (1n << (Bn - 1n)) - 1n) + (1n << (Bn - 1n)),
          1n << (Bn - 1n),
        ];
    const name = relu ? floatName : `${floatName}::rescaled`;
    return this.push({
      op: 'rescale', kind: 'signal', name, origin, shape, input: x.name, shift, bits: B, relu,
      lo: olo, hi: ohi, scale, zeroPoint: zp,
    });
  }

  private addLinear(node: LinearNode): IntLinear {
    const m = node.matrix;
    // Column offsets of each input block.
    const blocks: { start: number; end: number; x: IntNode }[] = [];
    let start = 0;
    for (const name of node.inputs) {
      let x = this.byFloat.get(name)!;
      const len = x.shape.reduce((a, b) => a * b, 1);
      if (x.kind === 'expr' && isDenseBlock(m, start, start + len)) {
        x = this.addRescale(x, name, x.origin, x.shape, false);
      }
      blocks.push({ start, end: start + len, x });
      start += len;
    }
    const blockOf = new Int32Array(m.cols);
    blocks.forEach((b, i) => blockOf.fill(i, b.start, b.end));

    const wScale = blocks.map((b) => this.weightScale(m, b.start, b.end));
    const accScale = Math.max(...blocks.map((b, i) => b.x.scale + wScale[i]));
    const values: bigint[] = new Array(m.values.length);
    const rows = m.rows;
    const bias: bigint[] = new Array(rows);
    const biasScale = 2 ** accScale;
    let lo = 0n;
    let hi = 0n;
    for (let r = 0; r < rows; r++) {
      let b = BigInt(Math.round(node.bias[r] * biasScale));
      let rlo = 0n;
      let rhi = 0n;
      for (let e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
        const bi = blockOf[m.colIdx[e]];
        const { x } = blocks[bi];
        const w = BigInt(Math.round(m.values[e] * 2 ** wScale[bi])) << BigInt(accScale - x.scale - wScale[bi]);
        values[e] = w;
        b -= w * x.zeroPoint;
        const p1 = w * x.lo;
        const p2 = w * x.hi;
        rlo += minBig(p1, p2);
        rhi += maxBig(p1, p2);
      }
      bias[r] = b;
      rlo += b;
      rhi += b;
      if (r === 0 || rlo < lo) lo = rlo;
      if (r === 0 || rhi > hi) hi = rhi;
    }
    if (this.opts.weights === 'committed' && isWeightedKind(node.kind)) {
      const c = committedLinear({
        name: node.name, origin: node.origin, rows, rowPtr: m.rowPtr, colIdx: m.colIdx, values, bias, weightBits: this.opts.weightBits,
        blocks: blocks.map((b, i) => ({ start: b.start, end: b.end, x: b.x, shift: accScale - b.x.scale - wScale[i] })),
      });
      ({ lo, hi } = c);
      this.committed.push(c.node);
    }
    const matrix: IntCsr = { rows, cols: m.cols, rowPtr: m.rowPtr, colIdx: m.colIdx, values };
    const out = this.push<IntLinear>({
      op: 'linear', kind: 'expr', name: node.name, origin: node.origin, shape: node.shape, source: node.kind,
      inputs: blocks.map((b) => b.x.name), matrix, bias, lo, hi, scale: accScale, zeroPoint: 0n,
    });
    this.layers[this.layers.length - 1].weightScale = Math.min(...wScale);
    return out;
  }

  /** Weight scale for a block: smallest exact scale if the weights are dyadic, else the widest that fits. */
  private weightScale(m: CsrMatrix, start: number, end: number): number {
    const limit = 2 ** (this.opts.weightBits - 1) - 1;
    let maxAbs = 0;
    const ws: number[] = [];
    for (let e = 0; e < m.values.length; e++) {
      if (m.colIdx[e] >= start && m.colIdx[e] < end) {
        ws.push(m.values[e]);
        maxAbs = Math.max(maxAbs, Math.abs(m.values[e]));
      }
    }
    const fit = fitScale(maxAbs, limit);
    for (let s = 0; s <= fit; s++) if (ws.every((w) => Number.isInteger(w * 2 ** s))) return s;
    return fit;
  }

  finish(): QuantizeResult {
    const outputs = this.graph.outputs.map((o) => this.byFloat.get(o)!.name);
    return {
      graph: { name: this.graph.name, nodes: this.nodes, inputs: this.graph.inputs, outputs },
      layers: this.layers,
      ...(this.committed.length > 0 ? { weights: weightsLayout(this.committed, this.opts.weightBits) } : {}),
    };
  }
}

/** True when some row or column of the block has more than one entry (not a permutation/diagonal). */
function isDenseBlock(m: CsrMatrix, start: number, end: number): boolean {
  const seenCol = new Uint8Array(end - start);
  for (let r = 0; r < m.rows; r++) {
    let inRow = 0;
    for (let e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
      const c = m.colIdx[e];
      if (c < start || c >= end) continue;
      if (++inRow > 1 || seenCol[c - start]++ > 0) return true;
    }
  }
  return false;
}
