pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

/*
 * PoseidonSponge(N, RATE, DOMAIN): a Poseidon sponge over N field elements (design §4,
 * scheme "poseidon-sponge-v1"; src/prover/commitment/sponge.ts computes the same value with
 * circomlibjs, bit for bit).
 *
 *   state (t = RATE + 1 elements) starts as [DOMAIN, 0, …, 0]; for chunk c = 0 … C−1
 *   (C = ⌈N / RATE⌉, the last chunk padded with zeros):
 *       state[1 + i] += in[c·RATE + i]        i = 0 … RATE−1   (absorb, rate part)
 *       state = Poseidon permutation_t(state)  (circomlib PoseidonEx(RATE, RATE + 1))
 *   out = state[0]
 * For N ≤ RATE this is exactly circomlib's PoseidonEx(N, 1) with initialState = DOMAIN.
 * Callers put the element count in DOMAIN, so zero padding cannot collide across lengths.
 *
 *   hints:        none (every signal is assigned with <==)
 *   constraints:  C permutations of width t, each 3·(8·t + P_t) non-linear (an x^5 S-box is
 *                 3 multiplications; 8 full rounds of t S-boxes, P_t partial rounds of one),
 *                 P_t = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68][t − 2];
 *                 the absorbing additions and the mixing layers are linear (free at --O2).
 *                 The first round's S-boxes of the constant state elements of chunk 0 (the
 *                 domain, and the zero padding when N < RATE) fold into constants: 3 fewer each.
 *   exact count at --O2: C · 3 · (8·t + P_t) − 3 · (1 + max(0, RATE − N)),
 *                 e.g. N = RATE = 16: 609; N = 17, RATE 16: 1221; N = 3, RATE 3: 261.
 * Parameters: N ≥ 1, 1 ≤ RATE ≤ 16, 0 ≤ DOMAIN < p. Preconditions: none (any field elements).
 */
template PoseidonSponge(N, RATE, DOMAIN) {
    assert(N >= 1 && RATE >= 1 && RATE <= 16);
    signal input in[N];
    signal output out;

    var C = (N + RATE - 1) \ RATE;
    component perm[C];
    for (var c = 0; c < C; c++) {
        perm[c] = PoseidonEx(RATE, RATE + 1);
        if (c == 0) {
            perm[c].initialState <== DOMAIN;
        } else {
            perm[c].initialState <== perm[c - 1].out[0];
        }
        for (var i = 0; i < RATE; i++) {
            var k = c * RATE + i;
            var x = 0;
            if (k < N) x = in[k];
            if (c == 0) {
                perm[c].inputs[i] <== x;
            } else {
                perm[c].inputs[i] <== perm[c - 1].out[i + 1] + x;
            }
        }
    }
    out <== perm[C - 1].out[0];
}
