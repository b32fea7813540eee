/** Option parsers that turn bad flags into clear errors. */
import { InputError } from '../src/errors.ts';

export function parseIntOption(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InputError('OPTION_FORMAT', `${name} takes a whole number, got '${v}'`, { fix: `e.g. ${name} 8` });
    return n;
  };
}

export function parseRange(v: string): [number, number] {
  const parts = v.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] >= parts[1]) {
    throw new InputError('OPTION_FORMAT', `--input-range takes 'lo,hi' with lo < hi, got '${v}'`, { fix: 'e.g. --input-range 0,1' });
  }
  return [parts[0], parts[1]];
}

export function checkChoice<T extends string>(name: string, v: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(v)) {
    throw new InputError('OPTION_CHOICE', `${name} must be one of ${choices.join(', ')}, got '${v}'`, { fix: `e.g. ${name} ${choices[0]}` });
  }
  return v as T;
}
