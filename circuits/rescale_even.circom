pragma circom 2.1.0;

include "range_check.circom";

/*
 * RescaleEven(A, k, B, RELU): Rescale (rescale.circom) with round half to EVEN instead of half up,
 * the rounding of ONNX QuantizeLinear. Quantized models use it when their requantization
 * multiplier is exact (e.g. power-of-two scales), where onnxruntime's ties are real ties
 * (src/compiler/quantize/quantized.ts). Exactly IntRescale with rounding 'half-even':
 *
 *   q   = roundHalfEven(in / 2^k)                    (k ≥ 1)
 *   RELU = 1:  out = min(max(q, 0), 2^B − 1)
 *   RELU = 0:  out = min(max(q, −2^(B−1)), 2^(B−1) − 1) + 2^(B−1)
 *
 * Precondition (the compiler guarantees it; A is at least k + 2, otherwise the smallest width that
 * fits): −2^(A−1) ≤ in + h < 2^(A−1) with h = 2^(k−1). Outside it there is no witness.
 *
 * Method. As Rescale: t = in + h + 2^(A−1) ∈ [0, 2^A) is decomposed by RangeCheck(A) (A
 * constraints); M = A − 1 − k ≥ 1; s = b[A−1] = [q_up ≥ 0] and q_up = m − 2^M·(1 − s) with
 * m = Σ_{i=k}^{A−2} b[i]·2^(i−k) is the half-up quotient floor((in + h) / 2^k). Half up and half
 * even differ exactly at a tie (t's k low bits all 0) with q_up odd (b[k] = 1), where q = q_up − 1:
 *   R = Σ_{i<k} b[i]·2^i + (1 − b[k])·2^k ∈ [0, 2^(k+1)),  δ = [R = 0] = [tie and q_up odd]
 *   δ = IsZero(R):  invR <-- 1/R;  δ <== 1 − R·invR;  R·δ === 0                            (+2)
 * q = q_up − δ keeps q_up's sign (q_up odd ⇒ q_up ≠ 0), and at a clamp boundary q_up − 1 clamps
 * to the same value as q_up, so only the in-range branch changes:
 *   RELU = 1, M ≤ B:   out <== s · (m − δ)                                                 (+1)
 *   RELU = 1, M > B:   lo = bits k … k+B−1, hi = bits k+B … A−2 (M−B bits)
 *                      z = [0 ≤ q_up < 2^B] = [s = 1 and hi = 0]:
 *                        M = B + 1:  z <== s · (1 − b[A−2])                                  (+1)
 *                        M > B + 1:  z = IsZero((1 − s) + hi), hint inv                       (+2)
 *                      w <== z · (lo − (2^B − 1) − δ);  out <== s·(2^B − 1) + w               (+1)
 *   RELU = 0, M ≤ B−1: out <== m − 2^M·(1 − s) + 2^(B−1) − δ                              (linear)
 *   RELU = 0, B = 1:   out <== s  (the sign of q is the sign of q_up; δ is not needed)       (linear)
 *   RELU = 0, M ≥ B ≥ 2: lo = bits k … k+B−2 (B−1 bits), hi = bits k+B−1 … A−2 (n = M−B+1 bits)
 *                      z = [−2^(B−1) ≤ q_up < 2^(B−1)]:
 *                        n = 1:  z <== s + b[A−2] − 2·s·b[A−2]   (= [b[A−2] ≠ s])             (+1)
 *                        n > 1:  z = IsZero(hi + (2^n − 1)·(s − 1)), hint inv                 (+2)
 *                      w <== z · (lo − (2^(B−1) − 1)·s − δ);  out <== s·(2^B − 1) + w        (+1)
 *
 * Exact non-linear constraint count at --O2 (M = A − 1 − k ≥ 1):
 *   RELU = 1:  A + 3 if M ≤ B;   A + 4 if M = B + 1;   A + 5 if M > B + 1
 *   RELU = 0:  A if B = 1;   A + 2 if M ≤ B − 1;   A + 4 if M = B ≥ 2;   A + 5 if M > B ≥ 2
 * (Rescale's half up costs 2 less, 1 less when M = B + 1.)
 *
 * Hinted signals: the bits (in RangeCheck), invR and inv; every other signal is a constraint of
 * them. invR (inv) is free when R (the IsZero argument) is 0; δ (z) and out stay unique.
 * Parameters: 1 ≤ k, k + 2 ≤ A ≤ 252, 1 ≤ B ≤ 252, RELU ∈ {0, 1}.
 */
template RescaleEven(A, k, B, RELU) {
    assert(k >= 1);
    assert(A >= k + 2 && A <= 252);
    assert(B >= 1 && B <= 252);
    assert(RELU == 0 || RELU == 1);

    signal input in;
    signal output out;

    var M = A - 1 - k;
    var h = 2 ** (k - 1);

    component t = RangeCheck(A);
    t.in <== in + h + 2 ** (A - 1);
    var s = t.bits[A - 1];

    if (RELU == 0 && B == 1) {
        out <== s;
    } else {
        // ---- δ = [tie and q_up odd] ----
        var R = (1 - t.bits[k]) * 2 ** k;
        for (var i = 0; i < k; i++) R += t.bits[i] * 2 ** i;
        signal invR;
        invR <-- R != 0 ? 1 / R : 0;
        signal delta <== 1 - R * invR;
        R * delta === 0;

        if (RELU == 1 && M <= B) {
            var m = 0;
            for (var i = k; i < A - 1; i++) m += t.bits[i] * 2 ** (i - k);
            out <== s * (m - delta);
        }

        if (RELU == 1 && M > B) {
            var lo = 0;
            for (var i = k; i < k + B; i++) lo += t.bits[i] * 2 ** (i - k);
            signal z;
            if (M == B + 1) {
                z <== s * (1 - t.bits[A - 2]);
            } else {
                var hi = 0;
                for (var i = k + B; i < A - 1; i++) hi += t.bits[i] * 2 ** (i - k - B);
                var v = 1 - s + hi;
                // ---- hint ----
                signal inv;
                inv <-- v != 0 ? 1 / v : 0;
                // ---- constraints: z = (v == 0) ----
                z <== 1 - v * inv;
                v * z === 0;
            }
            signal w <== z * (lo - (2 ** B - 1) - delta);
            out <== s * (2 ** B - 1) + w;
        }

        if (RELU == 0 && M <= B - 1) {
            var m = 0;
            for (var i = k; i < A - 1; i++) m += t.bits[i] * 2 ** (i - k);
            out <== m - (2 ** M) * (1 - s) + 2 ** (B - 1) - delta;
        }

        if (RELU == 0 && M >= B && B >= 2) {
            var n = M - B + 1;
            var lo = 0;
            for (var i = k; i < k + B - 1; i++) lo += t.bits[i] * 2 ** (i - k);
            signal z;
            if (n == 1) {
                z <== s + t.bits[A - 2] - 2 * s * t.bits[A - 2];
            } else {
                var hi = 0;
                for (var i = k + B - 1; i < A - 1; i++) hi += t.bits[i] * 2 ** (i - k - B + 1);
                var D = hi + (2 ** n - 1) * (s - 1);
                // ---- hint ----
                signal inv;
                inv <-- D != 0 ? 1 / D : 0;
                // ---- constraints: z = (D == 0) ----
                z <== 1 - D * inv;
                D * z === 0;
            }
            signal w <== z * (lo - (2 ** (B - 1) - 1) * s - delta);
            out <== s * (2 ** B - 1) + w;
        }
    }
}
