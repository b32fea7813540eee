/** ZkInferErrors across worker threads: to a cloneable object and back to the same subclass. */
import * as errors from '../../errors.ts';
import type { SerializedError } from './protocol.ts';

export function serializeError(e: unknown): SerializedError {
  if (e instanceof errors.ZkInferError) {
    let details: Record<string, unknown> | undefined;
    try {
      details = e.details === undefined ? undefined : structuredClone(e.details);
    } catch {
      details = undefined;
    }
    return { name: e.name, code: e.code, message: e.message, fix: e.fix, details };
  }
  return { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
}

type ErrorClass = new (code: string, message: string, options?: errors.ZkInferErrorOptions) => errors.ZkInferError;

export function deserializeError(s: SerializedError): Error {
  if (s.code !== undefined) {
    const cls = (errors as unknown as Record<string, ErrorClass | undefined>)[s.name];
    const Ctor: ErrorClass = typeof cls === 'function' && cls.prototype instanceof errors.ZkInferError ? cls : errors.ProofError;
    const err = new Ctor(s.code, s.message, { fix: s.fix, details: s.details });
    err.name = s.name; // e.g. NativeToolchainError, which lives outside errors.ts
    return err;
  }
  const e = new Error(s.message);
  e.name = s.name;
  return e;
}
