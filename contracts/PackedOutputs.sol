// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title PackedOutputs
 * @notice Decodes integers packed into Groth16 public signals by zkinfer (design §4, src/manifest.ts).
 * @dev A group of `count` integers q_0..q_{count-1} with layout (firstSignal, count, bits, perSignal, lo)
 *      stores element j as (q_j − lo) in public signal `firstSignal + j / perSignal`, at bit position
 *      `bits · (j % perSignal)`. Every stored value is < 2^bits, and bits · perSignal ≤ 252, so a packed
 *      signal is always < 2^252 < p (the BN254 scalar field). Decoding returns q_j = lo + stored_j.
 *
 *      `decode` also rejects a non-canonical signal: one with bits set above the last element it holds.
 *      A circuit's packed outputs are canonical by construction; packed public *inputs* are only
 *      range-checked here (design §3: public inputs are range-checked by the verifier side).
 */
library PackedOutputs {
    /// @notice Largest number of bits one signal may carry (as circuits/pack.circom: 2^252 < p).
    uint256 internal constant MAX_PACKED_BITS = 252;

    /// @notice One packed group (a tensor), as in the manifest's PackedGroup.
    struct Group {
        /// Index of the first public signal holding this group.
        uint32 firstSignal;
        /// Number of integers in the group.
        uint32 count;
        /// Width of each stored value (q − lo) in bits, 1..252.
        uint16 bits;
        /// Integers per signal; bits · perSignal ≤ 252.
        uint16 perSignal;
        /// Smallest value, subtracted before packing.
        int256 lo;
    }

    /// @notice A group's layout is impossible (zero count, zero width, > 252 bits per signal).
    error InvalidGroup(uint256 groupIndex);
    /// @notice A group needs signals beyond the end of the public signal array.
    error GroupOutOfRange(uint256 groupIndex, uint256 endSignal, uint256 totalSignals);
    /// @notice Public signal `signalIndex` has bits set above the values it packs.
    error NonCanonicalSignal(uint256 signalIndex);

    /// @notice Number of public signals a group of `count` values, `perSignal` per signal, occupies.
    function signalCount(uint256 count, uint256 perSignal) internal pure returns (uint256) {
        return (count + perSignal - 1) / perSignal;
    }

    /// @notice Reverts with InvalidGroup / GroupOutOfRange unless `g` is a well-formed group that fits in
    ///         `totalSignals` signals. Returns the index one past its last signal.
    function checkGroup(Group memory g, uint256 groupIndex, uint256 totalSignals) internal pure returns (uint256 end) {
        if (g.count == 0 || g.bits == 0 || g.perSignal == 0 || uint256(g.bits) * g.perSignal > MAX_PACKED_BITS) {
            revert InvalidGroup(groupIndex);
        }
        end = uint256(g.firstSignal) + signalCount(g.count, g.perSignal);
        if (end > totalSignals) revert GroupOutOfRange(groupIndex, end, totalSignals);
    }

    /// @notice Decodes one group from the public signals (layout assumed checked with checkGroup).
    function decode(uint256[] calldata signals, Group memory g) internal pure returns (int256[] memory values) {
        values = new int256[](g.count);
        decodeInto(signals, g, values, 0);
    }

    /// @notice Decodes one group into `out[offset .. offset + g.count)`; used to concatenate groups.
    function decodeInto(uint256[] calldata signals, Group memory g, int256[] memory out, uint256 offset) internal pure {
        uint256 bits = g.bits;
        uint256 per = g.perSignal;
        uint256 count = g.count;
        uint256 mask = (uint256(1) << bits) - 1;
        int256 lo = g.lo;
        uint256 j = 0;
        for (uint256 s = g.firstSignal; j < count; ++s) {
            uint256 word = signals[s];
            uint256 inWord = count - j < per ? count - j : per;
            // Canonical: nothing above the inWord values this signal holds.
            if (word >> (bits * inWord) != 0) revert NonCanonicalSignal(s);
            for (uint256 k = 0; k < inWord; ++k) {
                // word < 2^252, so every chunk fits in int256; lo + chunk is overflow-checked.
                out[offset + j] = lo + int256(word & mask);
                word >>= bits;
                ++j;
            }
        }
    }

    /// @notice Same as decode, for explicit layout parameters (bits, lo, perSignal, count).
    function decode(
        uint256[] calldata signals,
        uint256 firstSignal,
        uint256 bits,
        int256 lo,
        uint256 perSignal,
        uint256 count
    ) internal pure returns (int256[] memory values) {
        if (firstSignal > type(uint32).max || count > type(uint32).max || bits > MAX_PACKED_BITS || perSignal > MAX_PACKED_BITS) {
            revert InvalidGroup(0);
        }
        Group memory g = Group({
            firstSignal: uint32(firstSignal),
            count: uint32(count),
            bits: uint16(bits),
            perSignal: uint16(perSignal),
            lo: lo
        });
        checkGroup(g, 0, signals.length);
        return decode(signals, g);
    }
}
