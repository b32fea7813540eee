/**
 * The float graph IR: what an ONNX model becomes after import and constant folding.
 *
 * A small, closed set of ops (tinygrad-style): every ONNX op the compiler supports is
 * either folded away at compile time (shape arithmetic, constants) or rewritten into one
 * of these. Tensors are flat arrays in row-major (C) order with a static shape; the batch
 * dimension is fixed to 1 and kept in the shape (e.g. [1, 1, 8, 8]).
 *
 * Invariants (checked by `validateGraph`):
 *  - nodes are in topological order; every input name is a graph input or an earlier output;
 *  - `size(shape)` of every tensor equals the length implied by its producer;
 *  - `linear.matrix` has `rows = size(output)` and `cols = Σ size(inputs)`.
 */

/** Compressed sparse row matrix with float coefficients. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** rowPtr[r]..rowPtr[r+1] index into colIdx/values; length rows + 1. */
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

interface NodeBase {
  /** Output tensor name (unique). */
  name: string;
  /** ONNX node name(s) this node came from, for error messages ("Conv_3"). */
  origin: string;
  /** Output shape. */
  shape: number[];
}

/** A model input (batch fixed to 1). */
export interface InputNode extends NodeBase {
  op: 'input';
}

/**
 * y = matrix · concat(inputs) + bias. Covers Gemm, MatMul (constant operand), Conv,
 * Add/Sub of tensors or constants, Mul/Div by constants, BatchNormalization,
 * Flatten/Reshape/Transpose/Pad(zero)/Concat/Squeeze (as 0/1 matrices), AveragePool
 * without an exact-division requirement is NOT here: see `mean`.
 */
export interface LinearNode extends NodeBase {
  op: 'linear';
  inputs: string[];
  matrix: CsrMatrix;
  bias: Float64Array;
  /** Kind of ONNX op it came from, for reports ('Gemm', 'Conv', 'Add', 'Reshape' ...). */
  kind: string;
}

/** Elementwise max(x, 0). */
export interface ReluNode extends NodeBase {
  op: 'relu';
  input: string;
}

/** y[i] = max_{j ∈ windows[i]} x[j] (MaxPool, GlobalMaxPool). Padding is simply left out of a window. */
export interface MaxNode extends NodeBase {
  op: 'max';
  input: string;
  /** Flat input indices per output element (each window non-empty). */
  windows: Int32Array[];
}

/**
 * y[i] = (Σ_{j ∈ windows[i]} x[j]) / divisor[i] (AveragePool, GlobalAveragePool).
 * `divisor[i]` is the window size, or the full kernel size with count_include_pad
 * (padded positions contribute zero and are left out of the window).
 */
export interface MeanNode extends NodeBase {
  op: 'mean';
  input: string;
  windows: Int32Array[];
  divisor: Int32Array;
}

/**
 * ONNX QuantizeLinear semantics, also the requantization step of QLinearConv/QLinearMatMul:
 *   y[i] = min(max(roundHalfEven(x[i] / scale[i]) + zeroPoint, lo), hi)
 * The output holds the integer codes (uint8 [0, 255] or int8 [−128, 127]); `scale` has one
 * element (per tensor) or one per output element. A graph with such nodes is a quantized
 * model: it is lowered exactly by quantize/quantized.ts, not by the float quantizer.
 */
export interface QuantizeNode extends NodeBase {
  op: 'quantize';
  input: string;
  scale: Float64Array;
  zeroPoint: number;
  lo: number;
  hi: number;
}

/** y = min(max(x, lo), hi) (Clip on a runtime tensor; lo may be −Infinity, hi +Infinity). */
export interface ClipNode extends NodeBase {
  op: 'clip';
  input: string;
  lo: number;
  hi: number;
}

/**
 * y = f(x) elementwise for a smooth function without an exact integer form; the circuit
 * evaluates a piecewise-linear approximation with a stated error bound (quantize/activation.ts).
 */
export interface ActivationNode extends NodeBase {
  op: 'activation';
  input: string;
  fn: 'sigmoid' | 'tanh';
}

export type GraphNode = InputNode | LinearNode | ReluNode | MaxNode | MeanNode | QuantizeNode | ClipNode | ActivationNode;
export type GraphOp = GraphNode['op'];

export interface Graph {
  /** ONNX graph name / model producer, for reports. */
  name: string;
  opset: number;
  nodes: GraphNode[];
  /** Names of the graph's input nodes, in ONNX order. */
  inputs: string[];
  /** Names of the tensors that are the model's outputs, in ONNX order. */
  outputs: string[];
  /**
   * ONNX-level description of what was imported, for `inspect`:
   * one entry per ONNX node, in file order.
   */
  onnxNodes: OnnxNodeReport[];
  /**
   * Graph outputs computed by a final Softmax/LogSoftmax that the circuit does not prove: the
   * IR output is the op's input (the logits), and the op is applied after verification.
   */
  postprocess?: Record<string, OutputPostprocess>;
}

/** A final op applied to an output outside the circuit (see Graph.postprocess). */
export interface OutputPostprocess {
  op: 'Softmax' | 'LogSoftmax';
  /** Normalized axis of the output tensor. */
  axis: number;
  /** Opset < 13 semantics: the tensor is seen as 2-D [Π dims before axis, Π dims from axis] and normalized per row. */
  coerce2d: boolean;
}

export interface OnnxNodeReport {
  name: string;
  opType: string;
  /** 'lowered' (became IR), 'folded' (constant at compile time), 'unsupported'. */
  status: 'lowered' | 'folded' | 'unsupported';
  /** Output shapes, when known. */
  outputShapes: (number[] | undefined)[];
  /** Why it is unsupported (names the attribute/dtype), when status = 'unsupported'. */
  reason?: string;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
