/**
 * Static shapes of the model's inputs. A dynamic first (batch) dimension — symbolic, 0,
 * -1 or unset — becomes 1; any other dynamic dimension is a ShapeError naming the input
 * and the dimension, since every tensor in a circuit has a fixed size.
 */
import { ShapeError } from '../../errors.ts';
import { dtypeFromCode, type DType } from '../parse/dtypes.ts';
import { toNumber } from '../parse/int64.ts';
import type { onnx } from '../parse/onnx-pb.js';

export type ValueInfoProto = onnx.ValueInfoProto.$Properties;

export interface TensorInfo {
  name: string;
  /** Element type ('unknown' when the model does not say, 'non-tensor' for sequences/maps). */
  dtype: DType | 'unknown' | 'non-tensor';
  /** Static shape used by the compiler (batch fixed to 1); undefined when not static. */
  shape?: number[];
  /** Shape as declared in the file: numbers, symbolic names, or '?' for unset dimensions. */
  declared?: (number | string)[];
}

/** Declared dims of a value_info: numbers, symbolic names, '?' for unknown; undefined without a shape. */
export function declaredShape(vi: ValueInfoProto): (number | string)[] | undefined {
  const shape = vi.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => {
    if (d.dimValue !== null && d.dimValue !== undefined) return toNumber(d.dimValue);
    if (d.dimParam) return d.dimParam;
    return '?';
  });
}

export function describeInfo(vi: ValueInfoProto): TensorInfo {
  const tt = vi.type?.tensorType;
  const dtype = vi.type && !tt ? 'non-tensor' : (dtypeFromCode(tt?.elemType ?? 0) ?? 'unknown');
  return { name: vi.name ?? '', dtype, declared: declaredShape(vi) };
}

const isStatic = (d: number | string): d is number => typeof d === 'number' && d > 0;

/** Static shape of a graph input (batch → 1), or ShapeError. */
export function resolveInputShape(vi: ValueInfoProto): number[] {
  const name = vi.name ?? '';
  const declared = declaredShape(vi);
  const fix =
    'export the model with a fixed input shape (e.g. torch.onnx.export without dynamic_axes for that dimension), ' +
    'or fix it afterwards: python3 -m onnxruntime.tools.make_dynamic_shape_fixed --dim_param <name> --dim_value <size> model.onnx fixed.onnx';
  if (!declared) {
    throw new ShapeError('ONNX_NO_INPUT_SHAPE', `input '${name}' has no shape in the model`, { fix, details: { input: name } });
  }
  return declared.map((d, i) => {
    if (isStatic(d)) return d;
    if (i === 0) return 1;
    const what = typeof d === 'string' && d !== '?' ? `'${d}'` : String(d);
    throw new ShapeError(
      'ONNX_DYNAMIC_SHAPE',
      `input '${name}' has a dynamic dimension ${i} (${what}) in shape [${declared.join(', ')}]; only the first (batch) dimension may be dynamic`,
      { fix, details: { input: name, dim: i, declared } },
    );
  });
}

/** Static shape of any value_info when fully known (a dynamic first dimension counts as 1). */
export function staticShape(vi: ValueInfoProto): number[] | undefined {
  const declared = declaredShape(vi);
  if (!declared) return undefined;
  const out: number[] = [];
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i];
    if (isStatic(d)) out.push(d);
    else if (i === 0) out.push(1);
    else return undefined;
  }
  return out;
}
