pragma circom 2.1.0;

/*
 * RangeCheck(n): proves in ∈ [0, 2^n) and exposes its bits.
 *
 *   hints:        bits[i] <-- (in >> i) & 1                       i = 0 … n−1
 *   constraints:  bits[i] · (bits[i] − 1) === 0                   n non-linear (booleanity)
 *                 Σ bits[i] · 2^i === in                          1 linear (free at --O2)
 *
 * Cost at --O2: exactly n non-linear constraints (n = 0: no constraint, in === 0 linear).
 * Parameters: 0 ≤ n ≤ 252, so that Σ bits[i]·2^i < 2^252 < p: the decomposition cannot wrap
 * around the field, hence the bits are the unique binary digits of in and any in outside
 * [0, 2^n) (negative numbers included, they are p − |x|) has no satisfying witness.
 * Preconditions: none (this template is the check).
 */
template RangeCheck(n) {
    assert(n >= 0 && n <= 252);
    signal input in;
    signal output bits[n];

    // ---- hints (computed outside the constraints, pinned below) ----
    for (var i = 0; i < n; i++) {
        bits[i] <-- (in >> i) & 1;
    }

    // ---- constraints ----
    var sum = 0;
    for (var i = 0; i < n; i++) {
        bits[i] * (bits[i] - 1) === 0;
        sum += bits[i] * (2 ** i);
    }
    sum === in;
}
