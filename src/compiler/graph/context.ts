/**
 * The state an op lowering works with: the IR nodes emitted so far (in topological order),
 * unique naming, and a builder for `linear` nodes over runtime sources.
 */
import type { Attributes } from '../parse/attributes.ts';
import { CsrBuilder } from './csr.ts';
import { size, type GraphNode, type OutputPostprocess } from './ir.ts';
import type { RuntimeValue, Value } from './values.ts';

/** One ONNX node as an op lowering sees it. */
export interface OpNode {
  /** ONNX node name (or its first output when unnamed). */
  name: string;
  opType: string;
  /** Opset version of the default ONNX domain. */
  opset: number;
  attrs: Attributes;
  /** Inputs in order; undefined for omitted optional inputs (''). */
  inputs: (Value | undefined)[];
  /** Output tensor names ('' for omitted optional outputs). */
  outputs: string[];
  /** True when output i is consumed by another node or is a graph output. */
  isUsed(i: number): boolean;
}

/** Op implementation: returns one value per output (undefined for outputs it cannot produce). */
export type OpImpl = (n: OpNode, ctx: ImportContext) => (Value | undefined)[];

/** Thrown by an op when this node cannot be compiled; becomes an 'unsupported' report entry. */
export class NotSupported extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class ImportContext {
  readonly nodes: GraphNode[] = [];
  /**
   * ONNX tensors computed by a final Softmax/LogSoftmax that is left out of the circuit (the op
   * returns its input); analyzeModel checks that each is a graph output read by no node.
   */
  readonly postprocess = new Map<string, OutputPostprocess & { node: string }>();
  private readonly taken = new Set<string>();

  /** Reserves `base` as an IR node name, suffixing it when already taken. */
  claim(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}::${k}`;
    this.taken.add(name);
    return name;
  }

  isTaken(name: string): boolean {
    return this.taken.has(name);
  }

  add(node: GraphNode): void {
    this.nodes.push(node);
  }

  /**
   * Starts a linear node named after output `outIndex` of `n` (or `name`), with the given
   * runtime sources (deduplicated by IR node). Fill rows with add()/endRow(bias), then finish().
   */
  linear(n: OpNode, kind: string, shape: number[], sources: RuntimeValue[], name?: string): LinearBuilder {
    return new LinearBuilder(this, name ?? (n.outputs[0] || n.name), n.name, kind, shape, sources);
  }
}

export class LinearBuilder {
  private readonly inputs: string[] = [];
  private readonly offsets: number[];
  private readonly csr: CsrBuilder;
  private readonly bias: Float64Array;
  private row = 0;

  constructor(
    private readonly ctx: ImportContext,
    private readonly baseName: string,
    private readonly origin: string,
    private readonly kind: string,
    private readonly shape: number[],
    sources: RuntimeValue[],
  ) {
    const at = new Map<string, number>();
    let cols = 0;
    this.offsets = sources.map((s) => {
      const known = at.get(s.ref);
      if (known !== undefined) return known;
      at.set(s.ref, cols);
      this.inputs.push(s.ref);
      const off = cols;
      cols += size(s.shape);
      return off;
    });
    this.csr = new CsrBuilder(cols);
    this.bias = new Float64Array(size(shape));
  }

  /** Adds coef · sources[src][elem] to the current row. */
  add(src: number, elem: number, coef: number): void {
    this.csr.add(this.offsets[src] + elem, coef);
  }

  /** Closes the current row with its constant term. */
  endRow(bias = 0): void {
    this.bias[this.row++] = bias;
    this.csr.endRow();
  }

  finish(dtype: RuntimeValue['dtype'] = 'float32'): RuntimeValue {
    const rows = size(this.shape);
    if (this.row !== rows) throw new Error(`internal: linear '${this.baseName}' filled ${this.row} of ${rows} rows`);
    const name = this.ctx.claim(this.baseName);
    this.ctx.add({
      op: 'linear',
      name,
      origin: this.origin,
      shape: [...this.shape],
      inputs: [...this.inputs],
      matrix: this.csr.build(),
      bias: this.bias,
      kind: this.kind,
    });
    return { kind: 'runtime', dtype, shape: [...this.shape], ref: name };
  }
}
