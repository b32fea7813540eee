/** ABI of snarkjs's Groth16 verifier for N public signals (no compilation needed to call one). */
import { parseAbi, type Abi } from 'viem';

export function groth16VerifierAbi(publicSignals: number): Abi {
  return parseAbi([
    `function verifyProof(uint256[2] _pA, uint256[2][2] _pB, uint256[2] _pC, uint256[${publicSignals}] _pubSignals) view returns (bool)`,
  ]);
}
