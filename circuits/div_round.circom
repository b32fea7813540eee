pragma circom 2.1.0;

include "range_check.circom";

/* Number of bits of x ≥ 0: the smallest n with x < 2^n. */
function divRoundBitLength(x) {
    var n = 0;
    var y = x;
    while (y > 0) {
        n++;
        y = y \ 2;
    }
    return n;
}

/*
 * DivRound(N, D): out = floor((in + floor(D/2)) / D) (division by a constant, round half up),
 * for in ∈ [0, 2^N) and an integer constant D ≥ 1 (AveragePool with a non-power-of-two window).
 *
 *   h = floor(D/2),  Q = bits of floor((2^N − 1 + h) / D),  R = bits of D − 1
 *   hints:        q <-- (in + h) \ D;   r <-- (in + h) % D
 *   constraints:  q·D + r === in + h                      linear (free at --O2)
 *                 q ∈ [0, 2^Q)       RangeCheck(Q)        Q constraints
 *                 r ∈ [0, 2^R)       RangeCheck(R)        R constraints
 *                 D − 1 − r ∈ [0, 2^R)  RangeCheck(R)     R constraints, omitted when D is a
 *                                                         power of two (then 2^R = D already)
 *   out <== q
 *
 * Exact non-linear constraint count at --O2:
 *   D = 1: 0 (out <== in);   D = 2^R ≥ 2: Q + R;   otherwise: Q + 2R.
 * Precondition: in ∈ [0, 2^N) (e.g. a sum of range-checked non-negative values).
 * Soundness: q < 2^Q, r < D, so q·D + r < 2^(Q+R+1) ≤ 2^252 < p: the linear equation holds over
 * the integers and (q, r) is the unique Euclidean division of in + h by D.
 * Parameters: N ≥ 1, D ≥ 1, Q + R + 1 ≤ 252.
 */
template DivRound(N, D) {
    assert(N >= 1 && N <= 251);
    assert(D >= 1);
    signal input in;
    signal output out;

    if (D == 1) {
        out <== in;
    } else {
        var h = D \ 2;
        var Q = divRoundBitLength((2 ** N - 1 + h) \ D);
        var R = divRoundBitLength(D - 1);
        assert(Q + R + 1 <= 252);

        // ---- hints ----
        signal q;
        signal r;
        q <-- (in + h) \ D;
        r <-- (in + h) % D;

        // ---- constraints ----
        q * D + r === in + h;
        component qRange = RangeCheck(Q);
        qRange.in <== q;
        component rRange = RangeCheck(R);
        rRange.in <== r;
        _ <== qRange.bits; // (silences circom --inspect: the bits are pinned inside RangeCheck)
        _ <== rRange.bits;
        if (2 ** R != D) {
            component rUpper = RangeCheck(R);
            rUpper.in <== D - 1 - r;
            _ <== rUpper.bits;
        }
        out <== q;
    }
}
