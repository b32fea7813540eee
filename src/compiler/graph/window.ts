/**
 * Sliding-window geometry shared by Conv, MaxPool and AveragePool (any number of spatial
 * axes): output size from kernel/strides/dilations/pads/auto_pad/ceil_mode, and for every
 * output position the input position of each kernel tap (-1 when the tap falls in padding).
 */
import { size } from './ir.ts';

export interface WindowAttrs {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin_0, begin_1, ..., end_0, end_1, ...] as in ONNX (ignored unless autoPad is NOTSET). */
  pads: number[];
  autoPad: string;
  ceilMode: boolean;
}

export interface Windows {
  outSpatial: number[];
  /** Number of kernel taps (product of the kernel shape). */
  kSize: number;
  /** taps[o · kSize + t]: flat spatial input index of tap t of output position o, or -1 (padding). */
  taps: Int32Array;
  /**
   * Per output position: taps inside the padded extent [-pad_begin, in + pad_end) — the
   * AveragePool divisor with count_include_pad (onnxruntime clips windows that run past the end padding).
   */
  paddedCount: Int32Array;
  /** Effective pads after auto_pad. */
  pads: number[];
}

/** Computes the windows; returns an error message instead when the geometry is impossible. */
export function computeWindows(inSpatial: number[], a: WindowAttrs): Windows | string {
  const nd = inSpatial.length;
  const pads = [...a.pads];
  const outSpatial: number[] = [];
  for (let d = 0; d < nd; d++) {
    const inD = inSpatial[d];
    const k = a.kernel[d];
    const s = a.strides[d];
    const dil = a.dilations[d];
    const span = (k - 1) * dil + 1;
    let out: number;
    if (a.autoPad === 'SAME_UPPER' || a.autoPad === 'SAME_LOWER') {
      out = Math.ceil(inD / s);
      const total = Math.max(0, (out - 1) * s + span - inD);
      const begin = a.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      pads[d] = begin;
      pads[d + nd] = total - begin;
    } else {
      if (a.autoPad === 'VALID') {
        pads[d] = 0;
        pads[d + nd] = 0;
      } else if (a.autoPad !== 'NOTSET' && a.autoPad !== '') {
        return `auto_pad '${a.autoPad}' is not a valid value`;
      }
      const numer = inD + pads[d] + pads[d + nd] - span;
      if (numer < 0) return `the window (${span} wide on spatial axis ${d}) is larger than the padded input (${inD + pads[d] + pads[d + nd]})`;
      out = (a.ceilMode ? Math.ceil(numer / s) : Math.floor(numer / s)) + 1;
      // With ceil_mode, the last window must start inside the input or its begin padding.
      if (a.ceilMode && (out - 1) * s >= inD + pads[d]) out--;
    }
    if (out <= 0) return `the output would be empty on spatial axis ${d}`;
    outSpatial.push(out);
  }

  // Per axis: input coordinate of each (output position, tap), and whether it lies in the padded extent.
  const coord: Int32Array[] = [];
  const inPadded: Uint8Array[] = [];
  for (let d = 0; d < nd; d++) {
    const k = a.kernel[d];
    const c = new Int32Array(outSpatial[d] * k);
    const p = new Uint8Array(outSpatial[d] * k);
    for (let o = 0; o < outSpatial[d]; o++) {
      for (let t = 0; t < k; t++) {
        const x = o * a.strides[d] - pads[d] + t * a.dilations[d];
        c[o * k + t] = x >= 0 && x < inSpatial[d] ? x : -1;
        p[o * k + t] = x >= -pads[d] && x < inSpatial[d] + pads[d + nd] ? 1 : 0;
      }
    }
    coord.push(c);
    inPadded.push(p);
  }

  const kSize = size(a.kernel);
  const nOut = size(outSpatial);
  const taps = new Int32Array(nOut * kSize);
  const paddedCount = new Int32Array(nOut);
  const o = new Array<number>(nd).fill(0);
  const t = new Array<number>(nd).fill(0);
  for (let of = 0; of < nOut; of++) {
    t.fill(0);
    let count = 0;
    for (let tf = 0; tf < kSize; tf++) {
      let flat = 0;
      let inside = true;
      let padded = true;
      for (let d = 0; d < nd; d++) {
        const x = coord[d][o[d] * a.kernel[d] + t[d]];
        if (x < 0) inside = false;
        flat = flat * inSpatial[d] + x;
        if (!inPadded[d][o[d] * a.kernel[d] + t[d]]) padded = false;
      }
      taps[of * kSize + tf] = inside ? flat : -1;
      if (padded) count++;
      for (let d = nd - 1; d >= 0; d--) {
        if (++t[d] < a.kernel[d]) break;
        t[d] = 0;
      }
    }
    paddedCount[of] = count;
    for (let d = nd - 1; d >= 0; d--) {
      if (++o[d] < outSpatial[d]) break;
      o[d] = 0;
    }
  }
  return { outSpatial, kSize, taps, paddedCount, pads };
}
