/**
 * Reading a model's float input from user JSON, in every form users bring:
 *  - a nested array shaped like the (single) model input, with or without the batch dim;
 *  - `{ "<input name>": nested array, ... }`;
 *  - EZKL's `{ "input_data": [[flat values of input 0], [flat values of input 1], ...] }`.
 * Calibration files hold many such samples: `{ "inputs": [sample, ...] }`, a plain array of
 * samples, or EZKL's `input_data` with several samples' values one after another.
 */
import { InputError } from './errors.ts';

export interface InputSpec {
  name: string;
  shape: number[];
}

export type FloatInputs = Record<string, Float64Array>;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** One sample. `where` names the file (or 'input') in error messages. */
export function parseFloatInput(json: unknown, specs: InputSpec[], where = 'input'): FloatInputs {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const obj = json as Record<string, unknown>;
    if ('input_data' in obj) return fromEzkl(obj.input_data, specs, where, 1)[0];
    const out: FloatInputs = {};
    for (const s of specs) {
      if (!(s.name in obj)) {
        throw new InputError('INPUT_MISSING', `${where}: no value for model input '${s.name}'`, {
          fix: `give { "${s.name}": [...] } shaped [${s.shape}]`,
        });
      }
      out[s.name] = flattenChecked(obj[s.name], s, where);
    }
    return out;
  }
  if (Array.isArray(json)) {
    if (specs.length !== 1) {
      throw new InputError('INPUT_AMBIGUOUS', `${where}: the model has ${specs.length} inputs; a bare array is ambiguous`, {
        fix: `use { ${specs.map((s) => `"${s.name}": [...]`).join(', ')} }`,
      });
    }
    return { [specs[0].name]: flattenChecked(json, specs[0], where) };
  }
  throw new InputError('INPUT_FORMAT', `${where}: expected a JSON array or object, got ${json === null ? 'null' : typeof json}`, {
    fix: 'give the input as a nested array shaped like the model input, or { "<input name>": [...] }',
  });
}

/** Many samples (calibration). */
export function parseFloatSamples(json: unknown, specs: InputSpec[], where = 'samples'): FloatInputs[] {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const obj = json as Record<string, unknown>;
    if ('input_data' in obj) return fromEzkl(obj.input_data, specs, where);
    if (Array.isArray(obj.inputs)) return obj.inputs.map((s, i) => parseFloatInput(s, specs, `${where}: sample ${i}`));
    return [parseFloatInput(json, specs, where)];
  }
  if (Array.isArray(json)) {
    try {
      return [parseFloatInput(json, specs, where)];
    } catch {
      return json.map((s, i) => parseFloatInput(s, specs, `${where}: sample ${i}`));
    }
  }
  return [parseFloatInput(json, specs, where)];
}

function fromEzkl(data: unknown, specs: InputSpec[], where: string, expectSamples?: number): FloatInputs[] {
  if (!Array.isArray(data) || data.length !== specs.length) {
    throw new InputError('INPUT_FORMAT', `${where}: "input_data" must hold one flat array per model input (${specs.length})`, {
      fix: `write { "input_data": [[...${size(specs[0]?.shape ?? [])} values]] }`,
    });
  }
  const flats = data.map((d, i) => flattenNumbers(d, `${where}: input_data[${i}]`));
  const counts = flats.map((f, i) => f.length / size(specs[i].shape));
  const n = counts[0];
  if (!counts.every((c) => Number.isInteger(c) && c === n && c >= 1) || (expectSamples !== undefined && n !== expectSamples)) {
    throw new InputError(
      'INPUT_SHAPE',
      `${where}: input_data holds ${flats.map((f) => f.length).join('/')} values; the model input${specs.length > 1 ? 's need' : ' needs'} ${specs.map((s) => size(s.shape)).join('/')} per sample`,
      { fix: `give exactly ${specs.map((s) => `${size(s.shape)} values for '${s.name}'`).join(', ')}` },
    );
  }
  return Array.from({ length: n }, (_, k) =>
    Object.fromEntries(specs.map((s, i) => [s.name, flats[i].subarray(k * size(s.shape), (k + 1) * size(s.shape))])),
  );
}

/** Flattens a nested array, checking it has the input's shape (batch dim optional). */
function flattenChecked(value: unknown, spec: InputSpec, where: string): Float64Array {
  const got = shapeOf(value);
  const want = spec.shape;
  const noBatch = want.length > 1 && want[0] === 1 ? want.slice(1) : undefined;
  const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!got || !(same(got, want) || (noBatch && same(got, noBatch)))) {
    throw new InputError(
      'INPUT_SHAPE',
      `${where}: input '${spec.name}' has shape ${got ? `[${got}]` : 'that is not rectangular'}, the model expects [${want}]`,
      { fix: `give a nested array of shape [${want}]${noBatch ? ` (or [${noBatch}])` : ''}` },
    );
  }
  return flattenNumbers(value, `${where}: input '${spec.name}'`);
}

function shapeOf(v: unknown): number[] | undefined {
  if (!Array.isArray(v)) return [];
  if (v.length === 0) return [0];
  const inner = v.map(shapeOf);
  const first = inner[0];
  if (!first || !inner.every((s) => s && s.length === first.length && s.every((x, i) => x === first[i]))) return undefined;
  return [v.length, ...first];
}

function flattenNumbers(v: unknown, where: string): Float64Array {
  const flat = (Array.isArray(v) ? v.flat(Infinity) : [v]) as unknown[];
  const out = new Float64Array(flat.length);
  flat.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new InputError('INPUT_NOT_FINITE', `${where}: element ${i} is ${JSON.stringify(x) ?? String(x)}, not a finite number`, {
        fix: 'replace NaN/Infinity/strings with finite numbers',
      });
    }
    out[i] = x;
  });
  return out;
}
