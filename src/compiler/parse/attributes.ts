/**
 * Typed access to a NodeProto's attributes, with the defaults an op passes in from the
 * ONNX spec. int64 values become numbers (INT64_MAX/MIN sentinels round, which is harmless).
 */
import { OnnxParseError } from '../../errors.ts';
import { toNumber } from './int64.ts';
import type { onnx } from './onnx-pb.js';
import { decodeSparseTensor, decodeTensor, type DecodedTensor } from './tensor.ts';

export type AttributeProto = onnx.AttributeProto.$Properties;

/** AttributeProto.AttributeType codes. */
const T = {
  FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8,
  TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
} as const;
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));

const decoder = new TextDecoder();

export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  /** `where` names the node in errors, e.g. "node 'conv1' (Conv)". */
  constructor(attrs: readonly AttributeProto[], private readonly where: string) {
    for (const a of attrs) this.byName.set(a.name ?? '', a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  int(name: string, def: number): number;
  int(name: string): number | undefined;
  int(name: string, def?: number): number | undefined {
    const a = this.get(name, T.INT);
    return a ? toNumber(a.i) : def;
  }

  float(name: string, def: number): number;
  float(name: string): number | undefined;
  float(name: string, def?: number): number | undefined {
    const a = this.get(name, T.FLOAT);
    return a ? (a.f ?? 0) : def;
  }

  string(name: string, def: string): string;
  string(name: string): string | undefined;
  string(name: string, def?: string): string | undefined {
    const a = this.get(name, T.STRING);
    return a ? decoder.decode(a.s ?? new Uint8Array()) : def;
  }

  ints(name: string, def: number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, def?: number[]): number[] | undefined {
    const a = this.get(name, T.INTS);
    return a ? (a.ints ?? []).map(toNumber) : def;
  }

  floats(name: string, def: number[]): number[];
  floats(name: string): number[] | undefined;
  floats(name: string, def?: number[]): number[] | undefined {
    const a = this.get(name, T.FLOATS);
    return a ? [...(a.floats ?? [])] : def;
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name, T.STRINGS);
    return a ? (a.strings ?? []).map((s) => decoder.decode(s)) : undefined;
  }

  tensor(name: string): DecodedTensor | undefined {
    const a = this.get(name, T.TENSOR);
    return a?.t ? decodeTensor(a.t, `attribute '${name}' of ${this.where}`) : undefined;
  }

  sparseTensor(name: string): DecodedTensor | undefined {
    const a = this.get(name, T.SPARSE_TENSOR);
    return a?.sparseTensor ? decodeSparseTensor(a.sparseTensor, `attribute '${name}' of ${this.where}`) : undefined;
  }

  /** The attribute's type name ('INT', 'TENSOR', ...), or undefined when absent. */
  typeOf(name: string): string | undefined {
    const a = this.byName.get(name);
    return a ? TYPE_NAMES[inferType(a)] ?? 'UNDEFINED' : undefined;
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (!a) return undefined;
    const actual = inferType(a);
    if (actual !== type) {
      throw new OnnxParseError(
        'ONNX_BAD_ATTRIBUTE',
        `attribute '${name}' of ${this.where} has type ${TYPE_NAMES[actual] ?? actual}, expected ${TYPE_NAMES[type]}`,
        { fix: 'the model does not follow the ONNX spec: re-export it' },
      );
    }
    return a;
  }
}

/** Very old files leave `type` unset: infer it from the field that is present. */
function inferType(a: AttributeProto): number {
  if (a.type) return a.type;
  const has = (k: keyof AttributeProto): boolean => Object.prototype.hasOwnProperty.call(a, k);
  if ((a.floats?.length ?? 0) > 0) return T.FLOATS;
  if ((a.ints?.length ?? 0) > 0) return T.INTS;
  if ((a.strings?.length ?? 0) > 0) return T.STRINGS;
  if ((a.tensors?.length ?? 0) > 0) return T.TENSORS;
  if ((a.graphs?.length ?? 0) > 0) return T.GRAPHS;
  if (has('t') && a.t) return T.TENSOR;
  if (has('g') && a.g) return T.GRAPH;
  if (has('sparseTensor') && a.sparseTensor) return T.SPARSE_TENSOR;
  if (has('s')) return T.STRING;
  if (has('i')) return T.INT;
  if (has('f')) return T.FLOAT;
  return 0;
}
