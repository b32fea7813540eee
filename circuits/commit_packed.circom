pragma circom 2.1.0;

include "poseidon_sponge.circom";

/*
 * CommitPacked(N, R, RUN_END, RUN_BITS, RUN_LO, RATE, DOMAIN): the salted Poseidon commitment
 * to N range-checked integers (design §4; src/prover/commitment/ computes the same value):
 *
 *   the integers form R runs: run r holds in[RUN_END[r−1] … RUN_END[r]) (RUN_END[−1] = 0),
 *   each value v with v − RUN_LO[r] ∈ [0, 2^RUN_BITS[r]);
 *   packing: values in order, each (v − lo) placed at the next free bit position of the current
 *   element; when it would pass bit 252 a new element starts (a value never straddles two);
 *   out = PoseidonSponge(1 + E, RATE, DOMAIN)([salt, e_0, …, e_{E−1}]).
 *
 *   hints:        none
 *   constraints:  the packing is linear (free at --O2); exactly those of
 *                 PoseidonSponge(1 + E, RATE): ⌈(1 + E) / RATE⌉ · 3 · (8·(RATE + 1) + P_(RATE+1))
 *                 − 3 · (1 + max(0, RATE − 1 − E)) (see poseidon_sponge.circom).
 * Precondition (the caller's duty): every in[k] − lo lies in [0, 2^bits) of its run (range-checked
 * or bounded by construction). Then the packing is injective (each element < 2^252 < p, no
 * carries between slots), so the commitment binds the integers themselves.
 * Parameters: R ≥ 1, RUN_END increasing with RUN_END[R−1] = N ≥ 1, 1 ≤ RUN_BITS[r] ≤ 252,
 * 1 ≤ RATE ≤ 16. The salt is any field element (0 = unsalted).
 */
template CommitPacked(N, R, RUN_END, RUN_BITS, RUN_LO, RATE, DOMAIN) {
    assert(N >= 1 && R >= 1 && RUN_END[R - 1] == N);
    signal input salt;
    signal input in[N];
    signal output out;

    // Number of packed elements (compile-time).
    var E = 1;
    var pos = 0;
    for (var r = 0; r < R; r++) {
        assert(RUN_BITS[r] >= 1 && RUN_BITS[r] <= 252);
        var start = r == 0 ? 0 : RUN_END[r - 1];
        for (var k = start; k < RUN_END[r]; k++) {
            if (pos + RUN_BITS[r] > 252) {
                E++;
                pos = 0;
            }
            pos += RUN_BITS[r];
        }
    }

    var packed[E];
    for (var i = 0; i < E; i++) packed[i] = 0;
    var el = 0;
    pos = 0;
    for (var r = 0; r < R; r++) {
        var start = r == 0 ? 0 : RUN_END[r - 1];
        for (var k = start; k < RUN_END[r]; k++) {
            if (pos + RUN_BITS[r] > 252) {
                el++;
                pos = 0;
            }
            packed[el] += (in[k] - RUN_LO[r]) * (2 ** pos);
            pos += RUN_BITS[r];
        }
    }

    component sponge = PoseidonSponge(1 + E, RATE, DOMAIN);
    sponge.in[0] <== salt;
    for (var i = 0; i < E; i++) sponge.in[1 + i] <== packed[i];
    out <== sponge.out;
}
