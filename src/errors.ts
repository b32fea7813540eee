/**
 * One error base class for the whole toolkit. Every error a user can trigger is a
 * subclass with a short message saying what is wrong and a `fix` saying what to do.
 * The CLI prints `error: <message>\n  fix: <fix>` without a stack trace (unless --debug).
 */
export interface ZkInferErrorOptions {
  /** What the user should do about it. */
  fix?: string;
  /** Underlying error (kept for --debug). */
  cause?: unknown;
  /** Extra structured details (printed with --json). */
  details?: Record<string, unknown>;
}

export class ZkInferError extends Error {
  override name = 'ZkInferError';
  /** Stable machine-readable code, e.g. 'ONNX_UNSUPPORTED_OP'. */
  readonly code: string;
  readonly fix?: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, options: ZkInferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }
}

/** The ONNX file cannot be read: missing, not protobuf, truncated, bad tensor data. */
export class OnnxParseError extends ZkInferError { override name = 'OnnxParseError'; }
/** The model uses an op, attribute or data type the compiler cannot prove. */
export class UnsupportedError extends ZkInferError { override name = 'UnsupportedError'; }
/** Shapes do not fit (model inconsistencies, or a user input of the wrong shape). */
export class ShapeError extends ZkInferError { override name = 'ShapeError'; }
/** A user-supplied input (input.json, samples) is malformed or out of range. */
export class InputError extends ZkInferError { override name = 'InputError'; }
/** Quantization or static bounds cannot be satisfied (e.g. a value would exceed the field). */
export class QuantizationError extends ZkInferError { override name = 'QuantizationError'; }
/** circom failed, or a generated circuit is inconsistent. */
export class CircuitError extends ZkInferError { override name = 'CircuitError'; }
/** A build directory is missing artifacts, or artifacts disagree (hash mismatch). */
export class ArtifactError extends ZkInferError { override name = 'ArtifactError'; }
/** Trusted setup problems: ptau too small, corrupt, wrong curve. */
export class SetupError extends ZkInferError { override name = 'SetupError'; }
/** Proof files malformed, proving failed, verification impossible. */
export class ProofError extends ZkInferError { override name = 'ProofError'; }
/** On-chain: wrong chain, missing key, RPC unreachable, contract reverted. */
export class ChainError extends ZkInferError { override name = 'ChainError'; }
