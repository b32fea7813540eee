/**
 * manifest.json: what a build directory holds and how to talk to its circuit (design §5).
 * Big integers are stored as decimal strings.
 */

export type InputVisibility = 'private' | 'public';
export type OutputVisibility = 'public';

/**
 * A group of integers packed into public signals (design §4).
 * Element j is stored as (q_j − lo) in field element `firstSignal + floor(j / perSignal)`,
 * at bit position `bits · (j mod perSignal)`; every stored value is < 2^bits.
 */
export interface PackedGroup {
  /** 'output' groups come first in snarkjs's publicSignals (circom puts outputs first). */
  role: 'output' | 'input';
  /** Tensor name in the model (ONNX name). */
  tensor: string;
  count: number;
  bits: number;
  /** Decimal string: the smallest value, subtracted before packing. */
  lo: string;
  perSignal: number;
  firstSignal: number;
  signals: number;
}

export interface PublicLayout {
  /** Number of public signals snarkjs reports (Σ signals of groups). */
  total: number;
  groups: PackedGroup[];
}

/** How a model input is encoded: q = clamp(round(x · 2^scale) + zeroPoint, 0, 2^bits − 1). */
export interface TensorEncoding {
  /** ONNX name. */
  name: string;
  shape: number[];
  scale: number;
  zeroPoint: string;
  lo: string;
  hi: string;
  /** Width of the integer (inputs: range-checked width). */
  bits: number;
}

export interface Manifest {
  toolkit: { name: 'zkinfer'; version: string };
  name: string;
  onnx: { file: string; sha256: string; opset: number };
  /** Resolved compile options, as used (with defaults filled in). */
  options: Record<string, unknown>;
  visibility: { input: InputVisibility; output: OutputVisibility; weights: 'constant' };
  inputs: TensorEncoding[];
  outputs: TensorEncoding[];
  publicSignals: PublicLayout;
  quantization: {
    /** Per-layer choices: scales, shifts and widths, in model order. */
    layers: Array<Record<string, unknown>>;
    /** Measured on the calibration samples, when any were given. */
    accuracy?: {
      samples: number;
      argmaxAgreement?: number;
      maxAbsError: number;
      meanAbsError: number;
    };
  };
  circuit: {
    constraints: number;
    linearConstraints: number;
    wires: number;
    privateInputs: number;
    publicInputs: number;
    outputs: number;
    r1csSha256: string;
    /** sha256 over model.circom and every template it includes: the compile cache key. */
    sourceSha256: string;
    circom: string;
  };
  setup?: {
    ptau: { origin: 'dev' | 'file'; path: string; sha256: string; power: number; insecure: boolean };
    zkeySha256: string;
    vkeySha256: string;
    contributions: number;
  };
}
