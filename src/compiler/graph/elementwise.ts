/**
 * Float semantics of the elementwise IR ops that are not affine (quantize, clip, activation),
 * shared by the float interpreter (runGraph.ts) and calibration (quantize/calibrate.ts).
 */
import type { ActivationNode, ClipNode, QuantizeNode } from './ir.ts';

/** Round half to even (ONNX QuantizeLinear, Round; C's nearbyint in the default mode). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** QuantizeLinear as onnxruntime computes it: the division in float32, then round half to even. */
export function quantizeScalar(x: number, scale: number, zeroPoint: number, lo: number, hi: number): number {
  const q = roundHalfEven(Math.fround(Math.fround(x) / Math.fround(scale))) + zeroPoint;
  return q < lo ? lo : q > hi ? hi : q;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function evalQuantize(node: QuantizeNode, x: Float64Array): Float64Array {
  const per = node.scale.length > 1;
  return x.map((v, i) => quantizeScalar(v, node.scale[per ? i : 0], node.zeroPoint, node.lo, node.hi));
}

export function evalClip(node: ClipNode, x: Float64Array): Float64Array {
  return x.map((v) => (v < node.lo ? node.lo : v > node.hi ? node.hi : v));
}

export function evalActivation(node: ActivationNode, x: Float64Array): Float64Array {
  return x.map(node.fn === 'sigmoid' ? sigmoid : Math.tanh);
}
