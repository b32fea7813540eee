pragma circom 2.1.0;

include "range_check.circom";

/*
 * Rescale(A, k, B, RELU): fused rescale + round-half-up + clamp (+ ReLU) with ONE bit
 * decomposition; exactly IntRescale of src/compiler/integer/ir.ts:
 *
 *   q   = floor((in + h) / 2^k),  h = 2^(k−1) (h = 0 and q = in when k = 0)
 *   RELU = 1:  out = min(max(q, 0), 2^B − 1)
 *   RELU = 0:  out = min(max(q, −2^(B−1)), 2^(B−1) − 1) + 2^(B−1)
 *   out ∈ [0, 2^B) always.
 *
 * Precondition (the compiler guarantees it by interval analysis; A is the smallest width
 * that fits): in is a signed integer x (as x mod p) with −2^(A−1) ≤ x + h < 2^(A−1).
 * If it is violated (|x| < 2^250) the circuit has no witness: it never wraps silently
 * (except RELU = 1 with M ≤ 0 below, whose output is the constant 0 and checks nothing).
 *
 * Method. t = in + h + 2^(A−1) ∈ [0, 2^A) is decomposed into bits b[0..A−1] by
 * RangeCheck(A) (A constraints, unique since A ≤ 252). With M = A − 1 − k:
 *   b[0..k−1]     remainder (only its range matters: it pins q; b[0..A−2] when A ≤ k),
 *   s = b[A−1]    1 iff q ≥ 0,
 *   m = Σ_{i=k}^{A−2} b[i]·2^(i−k) ∈ [0, 2^M)   so that q = m − 2^M·(1 − s).
 * (When M ≤ 0, i.e. A ≤ k + 1, q ∈ {−1, 0} and q = s − 1.)
 *
 *   RELU = 1, M ≤ 0:      out = 0 for every admissible in: no constraint at all.
 *   RELU = 1, 1 ≤ M ≤ B:  clamp impossible:  out <== s · m                      (+1)
 *   RELU = 1, M > B:      lo = bits k … k+B−1 (B bits), hi = bits k+B … A−2 (M−B bits)
 *                         v = (1 − s) + hi ∈ [0, 2^(M−B)],  v = 0 ⟺ 0 ≤ q < 2^B
 *                         z = IsZero(v):  inv <-- 1/v;  z <== 1 − v·inv;  v·z === 0  (+2)
 *                         w <== z · (lo − (2^B − 1))                             (+1)
 *                         out <== s·(2^B − 1) + w                                (linear)
 *   RELU = 0, M ≤ B − 1:  clamp impossible:  out <== m − 2^M·(1 − s) + 2^(B−1)   (linear)
 *   RELU = 0, M ≥ B, B=1: out = [q ≥ 0]:     out <== s                           (linear)
 *   RELU = 0, M ≥ B ≥ 2:  lo = bits k … k+B−2 (B−1 bits), hi = bits k+B−1 … A−2 (n = M−B+1 bits)
 *                         D = hi + (2^n − 1)·(s − 1) ∈ (−2^n, 2^n),  D = 0 ⟺ q in range
 *                         (s = 1: D = hi;  s = 0: D = −(2^n − 1 − hi))
 *                         z = IsZero(D) (+2);  w <== z · (lo − (2^(B−1) − 1)·s)  (+1)
 *                         out <== s·(2^B − 1) + w                                (linear)
 *
 * Exact non-linear constraint count at --O2 (M = A − 1 − k):
 *   RELU = 1:  0 if M ≤ 0;   A + 1 if 1 ≤ M ≤ B;   A + 3 if M > B
 *   RELU = 0:  A if M ≤ B − 1 or B = 1;            A + 3 if M ≥ B ≥ 2
 *
 * Hinted signals: the bits (in RangeCheck) and inv; every other signal is a constraint of
 * them. inv is free when the IsZero argument is 0 (standard IsZero; z and out are still
 * unique). Parameters: 1 ≤ A ≤ 252, k ≥ 0, 1 ≤ B ≤ 252, RELU ∈ {0, 1}.
 */
template Rescale(A, k, B, RELU) {
    assert(A >= 1 && A <= 252);
    assert(k >= 0);
    assert(B >= 1 && B <= 252);
    assert(RELU == 0 || RELU == 1);

    signal input in;
    signal output out;

    var M = A - 1 - k;
    var h = k > 0 ? 2 ** (k - 1) : 0;

    if (RELU == 1 && M <= 0) {
        // q ∈ {−1, 0} for every admissible in, so out = max(q, 0) = 0.
        out <== 0;
        _ <== in; // (silences circom --inspect: in is deliberately unused)
    } else {
        component t = RangeCheck(A);
        t.in <== in + h + 2 ** (A - 1);
        var s = t.bits[A - 1];
        _ <== t.bits; // the remainder bits are pinned inside RangeCheck; silences circom --inspect

        if (RELU == 1 && M <= B) {
            var m = 0;
            for (var i = k; i < A - 1; i++) m += t.bits[i] * 2 ** (i - k);
            out <== s * m;
        }

        if (RELU == 1 && M > B) {
            var lo = 0;
            for (var i = k; i < k + B; i++) lo += t.bits[i] * 2 ** (i - k);
            var hi = 0;
            for (var i = k + B; i < A - 1; i++) hi += t.bits[i] * 2 ** (i - k - B);
            var v = 1 - s + hi;

            // ---- hint ----
            signal inv;
            inv <-- v != 0 ? 1 / v : 0;
            // ---- constraints: z = (v == 0) ----
            signal z <== 1 - v * inv;
            v * z === 0;

            signal w <== z * (lo - (2 ** B - 1));
            out <== s * (2 ** B - 1) + w;
        }

        if (RELU == 0 && (M <= B - 1)) {
            var m = 0;
            for (var i = k; i < A - 1; i++) m += t.bits[i] * 2 ** (i - k);
            // q = m − 2^M·(1 − s); when M ≤ 0 there are no magnitude bits and q = s − 1.
            var q = M > 0 ? m - (2 ** M) * (1 - s) : s - 1;
            out <== q + 2 ** (B - 1);
        }

        if (RELU == 0 && M >= B && B == 1) {
            out <== s;
        }

        if (RELU == 0 && M >= B && B >= 2) {
            var n = M - B + 1;
            var lo = 0;
            for (var i = k; i < k + B - 1; i++) lo += t.bits[i] * 2 ** (i - k);
            var hi = 0;
            for (var i = k + B - 1; i < A - 1; i++) hi += t.bits[i] * 2 ** (i - k - B + 1);
            var D = hi + (2 ** n - 1) * (s - 1);

            // ---- hint ----
            signal inv;
            inv <-- D != 0 ? 1 / D : 0;
            // ---- constraints: z = (D == 0) ----
            signal z <== 1 - D * inv;
            D * z === 0;

            signal w <== z * (lo - (2 ** (B - 1) - 1) * s);
            out <== s * (2 ** B - 1) + w;
        }
    }
}
