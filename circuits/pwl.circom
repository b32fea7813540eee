pragma circom 2.1.0;

include "range_check.circom";

/*
 * PiecewiseLinear(BIN, T, Y, D): a piecewise-linear function of in ∈ [0, 2^BIN) with 2^T equal
 * segments (Sigmoid, Tanh: src/compiler/quantize/floatNonlinear.ts); exactly IntPwl of
 * src/compiler/integer/ir.ts. With L = 2^(BIN − T), seg = floor(in / L), o = in mod L:
 *
 *   out = Y[seg] + D[seg]·o            (Y, D: 2^T integer constants, intercepts and slopes)
 *
 * Method. RangeCheck(BIN) decomposes in (BIN constraints; it is also the precondition check).
 * The segment bits sb[0..T−1] are bits BIN−T … BIN−1. Every function of them is a linear
 * combination of the 2^T monomials mono[S] = Π_{j∈S} sb[j] (the multilinear extension, with
 * Möbius coefficients c[S] = Σ_{R⊆S} (−1)^{|S|−|R|} Y[R] computed at compile time):
 *   mono[∅] = 1, mono[{j}] = sb[j]                                    (linear)
 *   mono[S] <== mono[S without its top bit] · sb[top]                 (one constraint each, |S| ≥ 2)
 *   y0 = Σ_S cY[S]·mono[S],  slope = Σ_S cD[S]·mono[S]                (linear)
 *   out <== y0 + slope·o                                              (one constraint)
 *
 * Exact non-linear constraint count at --O2: BIN + 2^T − T.
 * Hinted signals: the bits (in RangeCheck); everything else is a constraint of them, and the
 * decomposition is unique (BIN ≤ 252), so out is the unique value for in.
 * Precondition: none (in ∉ [0, 2^BIN) has no witness). Parameters: 1 ≤ T ≤ BIN ≤ 252, T ≤ 8;
 * |Y[j]| and |D[j]|·L far below p (the compiler keeps them below 2^64).
 */
template PiecewiseLinear(BIN, T, Y, D) {
    assert(T >= 1 && T <= 8 && T <= BIN && BIN <= 252);
    var K = 2 ** T;
    var L = 2 ** (BIN - T);

    signal input in;
    signal output out;

    component b = RangeCheck(BIN);
    b.in <== in;
    var o = 0;
    for (var i = 0; i < BIN - T; i++) o += b.bits[i] * 2 ** i;

    // Monomials of the segment bits (mono[0] = 1 and the single bits stay linear).
    var mono[K];
    signal prod[K];
    mono[0] = 1;
    for (var S = 1; S < K; S++) {
        var top = 0;
        while (2 ** (top + 1) <= S) top++;
        var rest = S - 2 ** top;
        if (rest == 0) {
            mono[S] = b.bits[BIN - T + top];
        } else {
            prod[S] <== mono[rest] * b.bits[BIN - T + top];
            mono[S] = prod[S];
        }
    }

    // Möbius transform of the tables (compile time) and the two linear combinations.
    var y0 = 0;
    var slope = 0;
    for (var S = 0; S < K; S++) {
        var cY = 0;
        var cD = 0;
        for (var R = 0; R < K; R++) {
            if ((R & S) == R) {
                // (−1)^|S \ R|: the parity of the bits of S that R lacks.
                var sign = 1;
                var rest = S - R;
                while (rest > 0) {
                    if (rest % 2 == 1) sign = -sign;
                    rest = rest \ 2;
                }
                cY += sign * Y[R];
                cD += sign * D[R];
            }
        }
        y0 += cY * mono[S];
        slope += cD * mono[S];
    }
    out <== y0 + slope * o;
}
