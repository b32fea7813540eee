/**
 * Renders the integer IR as the model's main Circom file (design §3). Rendering only:
 * every decision (scales, shifts, widths) was made by the quantizer; the semantics are the
 * interpreter's (`integer/interpret.ts`), which the generated circuit must match bit for bit.
 *
 * Each tensor becomes a `var` array holding, per element, a linear expression of signals:
 * linear layers are loops over constant CSR arrays and cost no constraint; non-linear nodes
 * instantiate the templates in circuits/ once per element.
 *
 * Signal contract (docs/team-brief.md): private inputs `in[N]`, public inputs
 * `inPacked[S]` (public visibility), outputs `outPacked[P]` packed per the public layout.
 */
import { CircuitError } from '../../errors.ts';
import type { PublicLayout, WeightsLayout } from '../../manifest.ts';
import { bitLength, signedWidth } from '../integer/arith.ts';
import { rescaleWidth } from '../integer/templateCosts.ts';
import type { IntGraph, IntLinear, IntNode } from '../integer/ir.ts';
import { PrivacyRenderer, type PrivacyContext } from './renderPrivacy.ts';
import { renderExternalLinear, type ExternalLayer } from './externalLinear.ts';

export interface RenderOptions {
  /** 'hashed' inputs are private inputs (`in`) plus a commitment (renderPrivacy.ts). */
  inputVisibility: 'private' | 'public' | 'hashed';
  layout: PublicLayout;
  /** Committed weights (renderPrivacy.ts): these layers take their weights from `w`. */
  weights?: WeightsLayout;
  /** Linear layers given to circom without weights (externalLinear.ts): their rows are appended to the r1cs. */
  external?: readonly ExternalLayer[];
}

const TEMPLATE_FILES = ['range_check.circom', 'rescale.circom', 'rescale_even.circom', 'pwl.circom', 'max.circom', 'div_round.circom', 'unpack.circom'];

export function renderCircom(graph: IntGraph, opts: RenderOptions): string {
  const r = new Renderer(graph, opts);
  return r.render();
}

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const arr = (xs: ArrayLike<number | bigint>): string => `[${Array.from(xs, (x) => x.toString()).join(',')}]`;

class Renderer {
  private lines: string[] = [];
  private varName = new Map<string, string>();
  private byName: Map<string, IntNode>;
  private counter = 0;

  constructor(
    private graph: IntGraph,
    private opts: RenderOptions,
  ) {
    this.byName = new Map(graph.nodes.map((n) => [n.name, n]));
  }

  private emit(s: string): void {
    this.lines.push(`    ${s}`);
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  render(): string {
    const inputs = this.graph.inputs.map((n) => this.byName.get(n)!);
    const nIn = inputs.reduce((a, n) => a + sizeOf(n.shape), 0);
    const outGroups = this.opts.layout.groups.filter((g) => g.role === 'output');
    const inGroups = this.opts.layout.groups.filter((g) => g.role === 'input');
    const nOutSignals = outGroups.reduce((a, g) => a + g.signals, 0);
    const nInSignals = inGroups.reduce((a, g) => a + g.signals, 0);
    const pub = this.opts.inputVisibility === 'public';

    if (pub) this.emit(`signal input inPacked[${nInSignals}];`);
    else this.emit(`signal input in[${nIn}];`);
    if (nOutSignals > 0) this.emit(`signal output outPacked[${nOutSignals}];`);
    const privacy = new PrivacyRenderer(this.graph, this.opts.layout, this.opts.weights);
    const ctx: PrivacyContext = { emit: (l) => this.emit(l), fresh: (p) => this.fresh(p), varOf: (t) => this.varName.get(t) };
    privacy.declare(ctx);
    const inBase = this.opts.layout.total - nInSignals; // public inputs follow the outputs and commitments

    let offset = 0;
    for (const node of this.graph.nodes) {
      this.emit('');
      this.emit(`// ${node.op} '${node.name}' from ${node.origin}: shape [${node.shape}], q ∈ [${node.lo}, ${node.hi}], scale 2^-${node.scale}, zero point ${node.zeroPoint}`);
      const v = this.fresh('t');
      this.varName.set(node.name, v);
      const n = sizeOf(node.shape);
      this.emit(`var ${v}[${n}];`);
      switch (node.op) {
        case 'input': {
          if (pub) {
            const g = inGroups.find((x) => x.tensor === node.name);
            if (!g) throw new CircuitError('RENDER_LAYOUT', `no public layout for input '${node.name}'`);
            const c = this.fresh('up');
            this.emit(`component ${c}[${g.signals}];`);
            this.emit(`for (var s = 0; s < ${g.signals}; s++) {`);
            this.emit(`    var cnt = s < ${g.signals - 1} ? ${g.perSignal} : ${g.count - g.perSignal * (g.signals - 1)};`);
            this.emit(`    ${c}[s] = Unpack(cnt, ${g.bits});`);
            this.emit(`    ${c}[s].in <== inPacked[${g.firstSignal - inBase} + s];`);
            this.emit(`    for (var j = 0; j < cnt; j++) ${v}[s * ${g.perSignal} + j] = ${c}[s].out[j] + ${BigInt(g.lo)};`);
            this.emit('}');
          } else {
            const c = this.fresh('rc');
            this.emit(`component ${c}[${n}];`);
            this.emit(`for (var i = 0; i < ${n}; i++) {`);
            this.emit(`    ${c}[i] = RangeCheck(${node.bits});`);
            this.emit(`    ${c}[i].in <== in[${offset} + i];`);
            this.emit(`    ${v}[i] = in[${offset} + i];`);
            this.emit('}');
          }
          offset += n;
          break;
        }
        case 'linear': {
          if (privacy.isCommitted(node)) {
            privacy.renderLinear(ctx, node as IntLinear, this.concatInputs(node.inputs), v);
            break;
          }
          const ext = this.opts.external?.find((l) => l.node === node.name);
          if (ext) {
            for (const line of renderExternalLinear(ext, this.concatInputs(node.inputs), v)) this.emit(line);
            break;
          }
          const x = this.concatInputs(node.inputs);
          const m = node.matrix;
          const id = this.counter++;
          this.emit(`var rp${id}[${m.rows + 1}] = ${arr(m.rowPtr)};`);
          if (m.values.length > 0) {
            this.emit(`var ci${id}[${m.values.length}] = ${arr(m.colIdx)};`);
            this.emit(`var w${id}[${m.values.length}] = ${arr(m.values)};`);
          }
          this.emit(`var b${id}[${m.rows}] = ${arr(node.bias)};`);
          // Two-level sums: circom copies a linear expression on every `+=`, so one long
          // accumulation is quadratic in the fan-in; chunks of √fan-in make it ~N·√N (7× faster at 784).
          const chunk = Math.max(1, Math.ceil(Math.sqrt(maxRowLength(m.rowPtr))));
          this.emit(`for (var r = 0; r < ${m.rows}; r++) {`);
          this.emit(`    var acc = b${id}[r];`);
          if (m.values.length > 0) {
            this.emit(`    for (var e0 = rp${id}[r]; e0 < rp${id}[r + 1]; e0 += ${chunk}) {`);
            this.emit('        var part = 0;');
            this.emit(`        for (var e = e0; e < e0 + ${chunk} && e < rp${id}[r + 1]; e++) part += w${id}[e] * ${x}[ci${id}[e]];`);
            this.emit('        acc += part;');
            this.emit('    }');
          }
          this.emit(`    ${v}[r] = acc;`);
          this.emit('}');
          break;
        }
        case 'rescale': {
          const src = this.byName.get(node.input)!;
          const x = this.varName.get(node.input)!;
          const even = node.rounding === 'half-even' && node.shift > 0;
          const A = rescaleWidth(src.lo - src.zeroPoint, src.hi - src.zeroPoint, node.shift, node.rounding);
          const c = this.fresh('rs');
          this.emit(`component ${c}[${n}];`);
          this.emit(`for (var i = 0; i < ${n}; i++) {`);
          this.emit(`    ${c}[i] = ${even ? 'RescaleEven' : 'Rescale'}(${A}, ${node.shift}, ${node.bits}, ${node.relu ? 1 : 0});`);
          this.emit(`    ${c}[i].in <== ${x}[i] - ${src.zeroPoint};`);
          this.emit(`    ${v}[i] = ${c}[i].out;`);
          this.emit('}');
          break;
        }
        case 'max': {
          const src = this.byName.get(node.input)!;
          const x = this.varName.get(node.input)!;
          const off = -src.lo;
          const B = Math.max(1, bitLength(src.hi - src.lo));
          const { ptr, idx } = flatten(node.windows);
          const comparisons = idx.length - node.windows.length;
          const id = this.counter++;
          this.emit(`var wp${id}[${ptr.length}] = ${arr(ptr)};`);
          this.emit(`var wi${id}[${idx.length}] = ${arr(idx)};`);
          if (comparisons > 0) this.emit(`component mx${id}[${comparisons}];`);
          this.emit(`var c${id} = 0;`);
          this.emit(`for (var i = 0; i < ${n}; i++) {`);
          this.emit(`    var cur = ${x}[wi${id}[wp${id}[i]]] + ${off};`);
          if (comparisons > 0) {
            this.emit(`    for (var e = wp${id}[i] + 1; e < wp${id}[i + 1]; e++) {`);
            this.emit(`        mx${id}[c${id}] = Max2(${B});`);
            this.emit(`        mx${id}[c${id}].a <== cur;`);
            this.emit(`        mx${id}[c${id}].b <== ${x}[wi${id}[e]] + ${off};`);
            this.emit(`        cur = mx${id}[c${id}].out;`);
            this.emit(`        c${id}++;`);
            this.emit('    }');
          }
          this.emit(`    ${v}[i] = cur - ${off};`);
          this.emit('}');
          break;
        }
        case 'pwl': {
          const x = this.varName.get(node.input)!;
          const K = 2 ** node.segBits;
          const id = this.counter++;
          this.emit(`var py${id}[${K}] = ${arr(node.values)};`);
          this.emit(`var pd${id}[${K}] = ${arr(node.slopes)};`);
          this.emit(`component pw${id}[${n}];`);
          this.emit(`for (var i = 0; i < ${n}; i++) {`);
          this.emit(`    pw${id}[i] = PiecewiseLinear(${node.bits}, ${node.segBits}, py${id}, pd${id});`);
          this.emit(`    pw${id}[i].in <== ${x}[i];`);
          this.emit(`    ${v}[i] = pw${id}[i].out;`);
          this.emit('}');
          break;
        }
        case 'div': {
          const src = this.byName.get(node.input)!;
          const x = this.varName.get(node.input)!;
          if (src.lo < 0n || node.pad < 0n) {
            throw new CircuitError('RENDER_DIV_SIGN', `division input of '${node.origin}' can be negative`);
          }
          const { ptr, idx } = flatten(node.windows);
          const dmax = Math.max(...node.divisor);
          const N = Math.max(1, bitLength(BigInt(dmax) * maxOf(src.hi, node.pad)));
          const id = this.counter++;
          this.emit(`var wp${id}[${ptr.length}] = ${arr(ptr)};`);
          this.emit(`var wi${id}[${idx.length}] = ${arr(idx)};`);
          this.emit(`var dv${id}[${n}] = ${arr(node.divisor)};`);
          this.emit(`component dr${id}[${n}];`);
          this.emit(`for (var i = 0; i < ${n}; i++) {`);
          this.emit(`    var s = (dv${id}[i] - (wp${id}[i + 1] - wp${id}[i])) * ${node.pad};`);
          this.emit(`    for (var e = wp${id}[i]; e < wp${id}[i + 1]; e++) s += ${x}[wi${id}[e]];`);
          this.emit(`    dr${id}[i] = DivRound(${N}, dv${id}[i]);`);
          this.emit(`    dr${id}[i].in <== s;`);
          this.emit(`    ${v}[i] = dr${id}[i].out;`);
          this.emit('}');
          break;
        }
      }
    }

    this.emit('');
    this.emit('// packed public outputs (design §4): element j of a group at bit bits·(j mod perSignal)');
    for (const g of outGroups) {
      const x = this.varName.get(g.tensor);
      if (!x) throw new CircuitError('RENDER_LAYOUT', `output '${g.tensor}' is not a tensor of the model`);
      this.emit(`for (var s = 0; s < ${g.signals}; s++) {`);
      this.emit('    var acc = 0;');
      this.emit(`    for (var j = s * ${g.perSignal}; j < ${g.count} && j < (s + 1) * ${g.perSignal}; j++) {`);
      this.emit(`        acc += (${x}[j] - (${BigInt(g.lo)})) * (2 ** (${g.bits} * (j - s * ${g.perSignal})));`);
      this.emit('    }');
      this.emit(`    outPacked[${g.firstSignal} + s] <== acc;`);
      this.emit('}');
    }

    privacy.renderCommitments(ctx);

    const header = [
      '// Generated by zkinfer from the integer model: do not edit.',
      `// Model: ${this.graph.name}`,
      'pragma circom 2.1.0;',
      '',
      ...[...TEMPLATE_FILES, ...privacy.includes()].map((f) => `include "${f}";`),
      '',
      'template Model() {',
    ];
    const main = pub ? 'component main {public [inPacked]} = Model();' : 'component main = Model();';
    return [...header, ...this.lines, '}', '', main, ''].join('\n');
  }

  /** A var holding the concatenation of the inputs' expressions (or the single input's var). */
  private concatInputs(names: string[]): string {
    if (names.length === 1) return this.varName.get(names[0])!;
    const total = names.reduce((a, n) => a + sizeOf(this.byName.get(n)!.shape), 0);
    const x = this.fresh('x');
    this.emit(`var ${x}[${total}];`);
    let o = 0;
    for (const name of names) {
      const len = sizeOf(this.byName.get(name)!.shape);
      this.emit(`for (var i = 0; i < ${len}; i++) ${x}[${o} + i] = ${this.varName.get(name)}[i];`);
      o += len;
    }
    return x;
  }
}

function flatten(windows: Int32Array[]): { ptr: number[]; idx: number[] } {
  const ptr = [0];
  const idx: number[] = [];
  for (const w of windows) {
    idx.push(...w);
    ptr.push(idx.length);
  }
  return { ptr, idx };
}

const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function maxRowLength(rowPtr: Int32Array): number {
  let m = 0;
  for (let r = 0; r + 1 < rowPtr.length; r++) m = Math.max(m, rowPtr[r + 1] - rowPtr[r]);
  return m;
}

export const circuitTemplateFiles = TEMPLATE_FILES;
