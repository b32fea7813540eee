pragma circom 2.1.0;

include "range_check.circom";

/*
 * Unpack(COUNT, BITS): splits a packed field element (e.g. a public input, design §4) into
 * COUNT values of BITS bits each, element j at bit position BITS·j:
 *
 *   in === Σ_j out[j] · 2^(BITS·j),   out[j] ∈ [0, 2^BITS)
 *
 *   hints:        the COUNT·BITS bits of in (RangeCheck(COUNT·BITS))
 *   constraints:  COUNT·BITS booleanity constraints; the sums are linear (free at --O2)
 *   out[j] <== Σ_i bits[BITS·j + i] · 2^i
 *
 * Exact non-linear constraint count at --O2: COUNT · BITS.
 * Parameters: COUNT ≥ 1, BITS ≥ 1, COUNT·BITS ≤ 252 (so the decomposition is unique and every
 * in ≥ 2^(COUNT·BITS) is rejected). Precondition: none (this template is the check).
 */
template Unpack(COUNT, BITS) {
    assert(COUNT >= 1 && BITS >= 1 && COUNT * BITS <= 252);
    signal input in;
    signal output out[COUNT];

    component bits = RangeCheck(COUNT * BITS);
    bits.in <== in;
    for (var j = 0; j < COUNT; j++) {
        var v = 0;
        for (var i = 0; i < BITS; i++) v += bits.bits[BITS * j + i] * 2 ** i;
        out[j] <== v;
    }
}
