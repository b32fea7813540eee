/**
 * encodeInput: a user's float input JSON → the circuit's input signals.
 *
 * Accepted forms (values are JSON numbers):
 *   - a nested array shaped like the model's single input, with or without a leading batch
 *     dimension of 1 (a flat array of the right length is accepted too);
 *   - { "<input name>": nested array, … } with every model input;
 *   - EZKL's { "input_data": [[flat values of input 0], [flat values of input 1], …] }.
 * Each value is quantized as q = round(x · 2^scale) + zeroPoint (round half up, as Math.round)
 * and must lie in the encoding's [lo, hi]; nothing is clamped silently. Quantized models (encoding
 * with `step`) apply their own QuantizeLinear instead (compiler/quantize/encodeScalar.ts), which
 * saturates to [lo, hi] as ONNX specifies.
 * Result (team-brief signal contract): private (and hashed) inputs → { in: q… } (all inputs
 * flattened row-major, concatenated in manifest order); public inputs → { inPacked } per the layout.
 */
import { InputError, ShapeError } from '../errors.ts';
import type { Manifest, TensorEncoding } from '../manifest.ts';
import { packGroup } from './publicSignals.ts';
import { encodeScalar } from '../compiler/quantize/encodeScalar.ts';

export type CircuitInput = { in: bigint[] } | { inPacked: bigint[] };

/** Is `x` already encoded circuit input (bigint arrays; JSON never produces bigints)? */
export function isCircuitInput(x: unknown): x is CircuitInput {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  if (keys.length !== 1 || (keys[0] !== 'in' && keys[0] !== 'inPacked')) return false;
  const v = (x as Record<string, unknown>)[keys[0]];
  return Array.isArray(v) && v.every((e) => typeof e === 'bigint');
}

export function encodeInput(manifest: Manifest, input: unknown): CircuitInput {
  const q = quantizeInput(manifest, input);
  // 'private' and 'hashed' inputs are the private signal in[N] (a hashed build's salt and
  // commitment are handled with the commitment, not here).
  if (manifest.visibility.input !== 'public') return { in: q.flat() };
  const inPacked: bigint[] = [];
  for (const group of manifest.publicSignals.groups.filter((g) => g.role === 'input')) {
    const i = manifest.inputs.findIndex((e) => e.name === group.tensor);
    if (i < 0) throw new InputError('MANIFEST_LAYOUT', `the public-signal layout names input "${group.tensor}", which the manifest does not declare`, { fix: 'recompile with `zkinfer compile`' });
    inPacked.push(...packGroup(q[i], group));
  }
  return { inPacked };
}

/** The quantized values of every model input, in manifest order. */
export function quantizeInput(manifest: Manifest, input: unknown): bigint[][] {
  const tensors = splitInputs(manifest, input);
  return manifest.inputs.map((enc, i) => quantizeTensor(enc, tensors[i]));
}

const names = (m: Manifest): string => m.inputs.map((e) => `"${e.name}"`).join(', ');
const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Finds each model input's array in the accepted forms. */
function splitInputs(manifest: Manifest, input: unknown): unknown[] {
  const inputs = manifest.inputs;
  if (Array.isArray(input)) {
    if (inputs.length !== 1) {
      throw new InputError('INPUT_FORM', `the model has ${inputs.length} inputs (${names(manifest)}): give an object with one entry per input`, {
        fix: `write { ${inputs.map((e) => `"${e.name}": [...]`).join(', ')} }`,
      });
    }
    return [input];
  }
  if (typeof input !== 'object' || input === null) {
    throw new InputError('INPUT_FORM', `the input must be a JSON array or object, not ${input === null ? 'null' : typeof input}`, {
      fix: `give a nested array shaped ${JSON.stringify(inputs[0]?.shape)}, { "${inputs[0]?.name}": [...] } or { "input_data": [[...]] }`,
    });
  }
  const obj = input as Record<string, unknown>;
  if ('input_data' in obj && !inputs.some((e) => e.name === 'input_data')) {
    const data = obj.input_data;
    if (!Array.isArray(data) || data.length !== inputs.length) {
      throw new InputError('INPUT_FORM', `"input_data" must be an array with one flat array per model input (${inputs.length}: ${names(manifest)})`, {
        fix: `write { "input_data": [${inputs.map(() => '[…]').join(', ')}] }`,
      });
    }
    return data.map((d, i) => (Array.isArray(d) ? flatten(d, inputs[i]) : d));
  }
  const unknown = Object.keys(obj).filter((k) => !inputs.some((e) => e.name === k));
  if (unknown.length > 0) {
    throw new InputError('INPUT_UNKNOWN_NAME', `the input names ${unknown.map((k) => `"${k}"`).join(', ')}, but the model's inputs are ${names(manifest)}`, {
      fix: 'use the model input names from the manifest (zkinfer inspect)',
    });
  }
  return inputs.map((e) => {
    if (!(e.name in obj)) {
      throw new InputError('INPUT_MISSING', `the input has no value for model input "${e.name}"`, { fix: `add "${e.name}": [...] (shape ${JSON.stringify(e.shape)})` });
    }
    return obj[e.name];
  });
}

/** EZKL's flat form: accept nested arrays too, flattened (shape is checked by count). */
function flatten(a: unknown[], enc: TensorEncoding): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else out.push(x);
  };
  walk(a);
  if (out.length !== count(enc.shape)) {
    throw new ShapeError('INPUT_SHAPE', `input "${enc.name}": input_data has ${out.length} values, expected ${count(enc.shape)} (shape ${JSON.stringify(enc.shape)})`, {
      fix: `give ${count(enc.shape)} values for "${enc.name}"`,
    });
  }
  return out;
}

/** Shape of a nested array (checks it is rectangular). */
function shapeOf(a: unknown, name: string): number[] {
  if (!Array.isArray(a)) return [];
  const shape = [a.length];
  if (a.length === 0) return shape;
  const inner = shapeOf(a[0], name);
  a.forEach((row, i) => {
    const s = shapeOf(row, name);
    if (s.length !== inner.length || s.some((d, k) => d !== inner[k])) {
      throw new ShapeError('INPUT_RAGGED', `input "${name}" is ragged: element ${i} of a dimension of length ${a.length} has shape ${JSON.stringify(s)}, the first has ${JSON.stringify(inner)}`, {
        fix: 'give a rectangular nested array',
      });
    }
  });
  return shape.concat(inner);
}

function quantizeTensor(enc: TensorEncoding, value: unknown): bigint[] {
  const expected = enc.shape;
  const n = count(expected);
  if (!Array.isArray(value)) {
    throw new InputError('INPUT_FORM', `input "${enc.name}" must be an array (shape ${JSON.stringify(expected)}), got ${typeof value}`, {
      fix: `give a nested array shaped ${JSON.stringify(expected)}`,
    });
  }
  const got = shapeOf(value, enc.name);
  const same = (s: number[]): boolean => s.length === got.length && s.every((d, i) => d === got[i]);
  const accepted = [expected, ...(expected[0] === 1 ? [expected.slice(1)] : []), [n]];
  if (!accepted.some(same)) {
    const alt = expected[0] === 1 && expected.length > 1 ? ` (or ${JSON.stringify(expected.slice(1))} without the batch dimension)` : '';
    throw new ShapeError('INPUT_SHAPE', `input "${enc.name}" has shape ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}${alt}`, {
      fix: `reshape the input to ${JSON.stringify(expected)}`,
      details: { expected, got },
    });
  }
  const flat = value.flat(Infinity) as unknown[];
  const scale = 2 ** enc.scale;
  const zp = BigInt(enc.zeroPoint);
  const lo = BigInt(enc.lo);
  const hi = BigInt(enc.hi);
  const range = `${realOf(lo - zp, enc.scale)} … ${realOf(hi - zp, enc.scale)}`;
  return flat.map((x, i) => {
    if (typeof x !== 'number') {
      throw new InputError('INPUT_NOT_NUMBER', `input "${enc.name}" element ${i}${where(i, expected)} is ${describe(x)}, not a number`, {
        fix: 'every value must be a JSON number',
        details: { index: i },
      });
    }
    if (!Number.isFinite(x)) {
      throw new InputError('INPUT_NOT_FINITE', `input "${enc.name}" element ${i}${where(i, expected)} is ${x}`, { fix: 'replace NaN/Infinity by finite values', details: { index: i } });
    }
    if (enc.step !== undefined) {
      // Quantized model: the input's QuantizeLinear is part of the model and saturates.
      const c = encodeScalar(x, enc);
      return c < lo ? lo : c > hi ? hi : c;
    }
    const scaled = Math.round(x * scale);
    const q = Number.isFinite(scaled) ? BigInt(scaled) + zp : hi + 1n;
    if (q < lo || q > hi) {
      throw new InputError('INPUT_OUT_OF_RANGE', `input "${enc.name}" element ${i}${where(i, expected)} = ${x} is outside the representable range ${range} (q = ${Number.isFinite(scaled) ? q : '±∞'} not in [${lo}, ${hi}], scale 2^${enc.scale})`, {
        fix: `clip or rescale the input into ${range}, or recompile the model with a wider input range`,
        details: { index: i, value: x, min: realOf(lo - zp, enc.scale), max: realOf(hi - zp, enc.scale) },
      });
    }
    return q;
  });
}

function realOf(q: bigint, scale: number): number {
  return Number(q) * 2 ** -scale;
}

/** " (index [0, 2, 1])" for multi-dimensional tensors. */
function where(i: number, shape: number[]): string {
  if (shape.length <= 1) return '';
  const idx: number[] = [];
  let r = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(r % shape[d]);
    r = Math.floor(r / shape[d]);
  }
  return ` (index [${idx.join(', ')}])`;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? x.slice(0, 20) + '…' : x)}`;
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}
