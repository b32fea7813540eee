pragma circom 2.1.0;

/*
 * Pack(COUNT, BITS): out = Σ_j in[j] · 2^(BITS·j)  (element j at bit position BITS·j).
 *
 *   constraints: one linear equation; 0 non-linear constraints at --O2.
 *
 * Precondition: in[j] ∈ [0, 2^BITS) (outputs of Rescale/Max2/DivRound or range-checked
 * values), so the packing is injective; this template does NOT check it.
 * Parameters: COUNT ≥ 1, BITS ≥ 1, COUNT·BITS ≤ 252.
 * The compiler may equally write the sum inline (it is a linear expression).
 */
template Pack(COUNT, BITS) {
    assert(COUNT >= 1 && BITS >= 1 && COUNT * BITS <= 252);
    signal input in[COUNT];
    signal output out;

    var sum = 0;
    for (var j = 0; j < COUNT; j++) sum += in[j] * 2 ** (BITS * j);
    out <== sum;
}
