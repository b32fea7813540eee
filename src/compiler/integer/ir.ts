/**
 * The integer IR: the quantized model, exactly what the circuit computes.
 *
 * Every tensor element is an integer (a field element in the circuit). Each tensor carries
 *  - `lo`/`hi`: a static interval that every element provably lies in, whatever the
 *    (range-checked) inputs are; the compiler refuses anything beyond ±2^250;
 *  - `scale` and `zeroPoint`: the real value it stands for is (q − zeroPoint) · 2^−scale.
 *
 * `kind` says how the circuit holds the tensor:
 *  - 'signal': each element is a circuit signal (inputs, outputs of non-linear templates);
 *  - 'expr':   each element is a linear expression of signals with constant coefficients
 *              (costs no constraint; `linear` nodes produce these).
 *
 * The interpreter (`interpret.ts`) is the single source of truth for these semantics and the
 * renderer must match it bit for bit.
 */

export interface IntCsr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** Integer coefficients. */
  values: bigint[];
}

interface IntNodeBase {
  name: string;
  /** ONNX node name(s) it came from, for error messages. */
  origin: string;
  shape: number[];
  lo: bigint;
  hi: bigint;
  scale: number;
  zeroPoint: bigint;
  kind: 'signal' | 'expr';
}

/** A model input, q ∈ [lo, hi] (range-checked in the circuit when private). */
export interface IntInput extends IntNodeBase {
  op: 'input';
  kind: 'signal';
  /** Width of the range check: q ∈ [0, 2^bits). lo = 0, hi = 2^bits − 1. */
  bits: number;
  /**
   * Quantized models (the input's QuantizeLinear): the real step, q = clamp(roundHalfEven(x / step)
   * + zeroPoint, lo, hi) with the division in float32 as onnxruntime does; scale = −log2(step).
   * Absent for float models: q = round(x · 2^scale) + zeroPoint.
   */
  step?: number;
}

/** y = matrix · concat(inputs) + bias, exact. Free in the circuit. */
export interface IntLinear extends IntNodeBase {
  op: 'linear';
  kind: 'expr';
  inputs: string[];
  matrix: IntCsr;
  bias: bigint[];
  /** ONNX op kind it came from ('Gemm', 'Conv', ...). */
  source: string;
}

/**
 * Fused rescale + round-half-up + clamp (+ ReLU), one bit decomposition, on the input taken
 * relative to its zero point, x = input − zeroPoint(input):
 *   q = floor((x + 2^(shift−1)) / 2^shift)           (q = x when shift = 0)
 *   relu:  y = min(max(q, 0), 2^bits − 1)            zeroPoint of y = 0
 *   else:  y = min(max(q, −2^(bits−1)), 2^(bits−1) − 1) + 2^(bits−1)   zeroPoint of y = 2^(bits−1)
 * Output is a signal in [0, 2^bits). In quantized models (quantize/quantized.ts) the input already
 * holds acc·m + (zp_y − lo)·2^shift, so the same node is the requantization
 * y − lo = clamp(round(acc·m·2^−shift) + zp_y − lo, 0, 2^bits − 1) and `zeroPoint`/`scale`
 * record the ONNX tensor's (zp_y − lo, −log2 s_y) rather than the defaults above.
 */
export interface IntRescale extends IntNodeBase {
  op: 'rescale';
  kind: 'signal';
  input: string;
  shift: number;
  bits: number;
  relu: boolean;
  /**
   * 'half-even': q = roundHalfEven(x / 2^shift) instead of round half up (ONNX's rounding; quantized
   * models with exact multipliers, circuits/rescale_even.circom). Absent: half up.
   */
  rounding?: 'half-even';
}

/** y[i] = max over windows[i]. Output is a signal; input may be expr or signal. */
export interface IntMax extends IntNodeBase {
  op: 'max';
  kind: 'signal';
  input: string;
  windows: Int32Array[];
}

/**
 * y[i] = floor((Σ_{j∈windows[i]} x[j] + (d_i − |windows[i]|)·pad + floor(d_i/2)) / d_i), d_i = divisor[i]
 * (round half up; positions counted in the divisor but outside the input hold `pad`, the input's
 * zero point, i.e. a real zero). Precondition: input lo ≥ 0 and pad ≥ 0. Output is a signal with
 * the input's scale and zero point.
 */
export interface IntDiv extends IntNodeBase {
  op: 'div';
  kind: 'signal';
  input: string;
  windows: Int32Array[];
  divisor: Int32Array;
  pad: bigint;
}

/**
 * Piecewise-linear function of a signal x ∈ [0, 2^bits) (Sigmoid, Tanh: quantize/floatNonlinear.ts;
 * circuits/pwl.circom). With L = 2^(bits − segBits), seg = floor(x / L), o = x mod L:
 *   y = values[seg] + slopes[seg]·o
 * (2^segBits segments, each with its own integer intercept and slope). Output is a signal.
 */
export interface IntPwl extends IntNodeBase {
  op: 'pwl';
  kind: 'signal';
  input: string;
  bits: number;
  segBits: number;
  /** 2^segBits intercepts. */
  values: bigint[];
  /** 2^segBits slopes (per unit of x). */
  slopes: bigint[];
}

export type IntNode = IntInput | IntLinear | IntRescale | IntMax | IntDiv | IntPwl;

export interface IntGraph {
  name: string;
  nodes: IntNode[];
  inputs: string[];
  outputs: string[];
}
