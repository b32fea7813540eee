pragma circom 2.1.0;

include "range_check.circom";

/*
 * Max2(B): out = max(a, b) for a, b ∈ [0, 2^B).
 *
 *   d = a − b + 2^B ∈ [1, 2^(B+1))   decomposed by RangeCheck(B+1)   B+1 constraints (hints: bits)
 *   s = bit B of d = [a ≥ b]
 *   out <== b + s · (a − b)                                          1 constraint
 *
 * Cost at --O2: exactly B + 2 non-linear constraints. A pooling window of w elements chains
 * w − 1 of these (the output is again in [0, 2^B)).
 * Precondition: a, b ∈ [0, 2^B) (outputs of Rescale/Max2/DivRound or range-checked inputs;
 * the compiler offsets signed values first). Parameters: 1 ≤ B ≤ 251.
 * Soundness: the bits are unique (B + 1 ≤ 252), so s = [a ≥ b] and out is unique.
 */
template Max2(B) {
    assert(B >= 1 && B <= 251);
    signal input a;
    signal input b;
    signal output out;

    component d = RangeCheck(B + 1);
    d.in <== a - b + 2 ** B;
    out <== b + d.bits[B] * (a - b);
    _ <== d.bits; // the low bits are pinned inside RangeCheck; silences circom --inspect
}
