// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PackedOutputs} from "../PackedOutputs.sol";

/// @notice Test-only wrapper exposing the PackedOutputs library (used by test/chain/packedOutputs.test.ts).
contract PackedOutputsHarness {
    function decode(uint256[] calldata signals, uint256 firstSignal, uint256 bits, int256 lo, uint256 perSignal, uint256 count)
        external
        pure
        returns (int256[] memory)
    {
        return PackedOutputs.decode(signals, firstSignal, bits, lo, perSignal, count);
    }
}
