/**
 * manifest.json: what a build directory holds and how to talk to its circuit (design §5).
 * Big integers are stored as decimal strings.
 */

/** 'hashed': the input stays private, its salted Poseidon commitment is public (design §4). */
export type InputVisibility = 'private' | 'public' | 'hashed';
/** 'hashed': the outputs stay private, their salted Poseidon commitment is public. */
export type OutputVisibility = 'public' | 'hashed';
/** 'committed': the weights are private inputs, their salted Poseidon commitment is public. */
export type WeightsVisibility = 'constant' | 'committed';

/** Public signals that hold a Poseidon commitment rather than packed integers. */
export type CommitmentRole = 'inputCommitment' | 'outputCommitment' | 'weightsCommitment';

/**
 * How a commitment is computed (scheme 'poseidon-sponge-v1', src/prover/commitment/):
 * the integers of `runs` (in order; run r has `count` values v with v − lo ∈ [0, 2^bits)) are
 * packed greedily into field elements of at most 252 bits (v − lo at the next free bit position,
 * a new element when a value would pass bit 252), then
 * commitment = PoseidonSponge(rate, domain)([salt, e_0, …, e_{E−1}]), where the sponge starts
 * from [domain, 0, …] and absorbs `rate` elements per permutation (last chunk zero-padded).
 * domain = 2^64 · roleId (input 1, output 2, weights 3) + (1 + E). The salt is a private field
 * element chosen by the committer (0 = unsalted).
 */
export interface CommitmentLayout {
  scheme: 'poseidon-sponge-v1';
  /** Decimal string. */
  domain: string;
  rate: number;
  /** Field elements absorbed: 1 (the salt) + packed elements. */
  elements: number;
  runs: Array<{ name: string; count: number; bits: number; lo: string }>;
}

/**
 * The private weights of a committed-weights build (visibility.weights 'committed'): the
 * parameters of every weighted linear node, in commitment order (per node: its matrix entries
 * in CSR order, then one bias per row). The circuit multiplies entry e by
 * 2^shift · (x[col] − zeroPoint) of the input block holding col, and adds the bias.
 */
export interface WeightsLayout {
  /** Width of each weight: q_w ∈ [−2^(bits−1), 2^(bits−1)). */
  weightBits: number;
  /** Total parameters (Σ entries + rows). */
  count: number;
  nodes: Array<{
    name: string;
    origin: string;
    entries: number;
    rows: number;
    /** Width of each bias: b ∈ [−2^(biasBits−1), 2^(biasBits−1)). */
    biasBits: number;
    /** Column ranges [start, end) of the node's input blocks. */
    blocks: Array<{ start: number; end: number; zeroPoint: string; shift: number }>;
  }>;
}

/**
 * A group of integers packed into public signals (design §4).
 * Element j is stored as (q_j − lo) in field element `firstSignal + floor(j / perSignal)`,
 * at bit position `bits · (j mod perSignal)`; every stored value is < 2^bits.
 */
export interface PackedGroup {
  /**
   * 'output' groups come first in snarkjs's publicSignals (circom puts outputs first), then the
   * commitments (one signal each, in the order outputCommitment, inputCommitment,
   * weightsCommitment; count 1, bits 254, lo 0: the value is a field element, not packed), then
   * 'input' groups.
   */
  role: 'output' | 'input' | CommitmentRole;
  /** Tensor name in the model (ONNX name). */
  tensor: string;
  count: number;
  bits: number;
  /** Decimal string: the smallest value, subtracted before packing. */
  lo: string;
  perSignal: number;
  firstSignal: number;
  signals: number;
  /** Commitment roles only: how the committed value is computed. */
  commitment?: CommitmentLayout;
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
  /**
   * Quantized models only (inputs): the QuantizeLinear step s. The encoding is then ONNX's,
   * q = clamp(roundHalfEven(x / s) + zeroPoint, lo, hi), the division in float32, saturating as the
   * model's QuantizeLinear does; scale = −log2(s).
   */
  step?: number;
  /**
   * Outputs: bound on |dequantized output − float model output| for inputs inside the calibrated
   * ranges (compiler/quantize/errorBound.ts; 0 for quantized models, which are reproduced exactly).
   */
  errorBound?: number;
  /**
   * Outputs computed by a final Softmax/LogSoftmax: the circuit proves the values before it (the
   * logits) and the op is applied after verification, along `axis`.
   */
  postprocess?: { op: 'Softmax' | 'LogSoftmax'; axis: number; coerce2d: boolean };
}

export interface Manifest {
  toolkit: { name: 'zkinfer'; version: string };
  name: string;
  /**
   * blinded (committed weights): sha256 is salted with the weights' salt, so a public manifest does
   * not let anyone test a candidate ONNX file (src/compiler/privacy/buildWeights.ts).
   */
  onnx: { file: string; sha256: string; opset: number; blinded?: boolean };
  /** Resolved compile options, as used (with defaults filled in). */
  options: Record<string, unknown>;
  visibility: { input: InputVisibility; output: OutputVisibility; weights: WeightsVisibility };
  /** Committed-weights builds: the layout of the private weights (the values are in weights.json). */
  weights?: WeightsLayout;
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
    /**
     * Linear layers whose rows were appended to the r1cs after circom (src/compiler/lower/
     * externalLinear.ts). Their outputs are private inputs of main (`signal`), which the prover
     * computes with the integer interpreter over model.int.json (sha256 `intModelSha256`).
     */
    externalLinear?: {
      intModelSha256: string;
      layers: Array<{ node: string; signal: string; inputSignal: string; rows: number; cols: number; entries: number }>;
    };
  };
  setup?: {
    ptau: { origin: 'dev' | 'file'; path: string; sha256: string; power: number; insecure: boolean };
    zkeySha256: string;
    vkeySha256: string;
    contributions: number;
  };
}
