/**
 * encodeProofCalldata agrees with snarkjs's own Solidity calldata export (pi_b's coordinates swapped) and
 * rejects malformed proofs and signals with ProofErrors.
 */
import assert from 'node:assert/strict';
import { encodeProofCalldata } from '../../src/chain/proof.ts';
import { ProofError } from '../../src/errors.ts';
import { chainFixtures } from './fixtures/chainFixtures.ts';

describe('encodeProofCalldata', function () {
  it('matches snarkjs.groth16.exportSolidityCallData', async function () {
    const fx = (await chainFixtures()).pubin;
    const { proof, publicSignals } = await fx.prove([1n, -2n, 3n, -4n]);
    const { groth16 } = (await import('snarkjs' as string)) as { groth16: { exportSolidityCallData(p: unknown, s: unknown): Promise<string> } };
    const [a, b, c, pub] = JSON.parse(`[${await groth16.exportSolidityCallData(proof, publicSignals)}]`) as [string[], string[][], string[], string[]];
    const cd = encodeProofCalldata(proof, publicSignals);
    assert.deepEqual(cd.a, a.map(BigInt));
    assert.deepEqual(cd.b, b.map((r) => r.map(BigInt)));
    assert.deepEqual(cd.c, c.map(BigInt));
    assert.deepEqual(cd.publicSignals, pub.map(BigInt));
  });

  it('rejects malformed proofs and signals', function () {
    const proof = { pi_a: ['1', '2', '1'], pi_b: [['1', '2'], ['3', '4'], ['1', '0']], pi_c: ['5', '6', '1'], protocol: 'groth16' };
    const isProofError = (e: unknown) => e instanceof ProofError && typeof e.fix === 'string';
    assert.throws(() => encodeProofCalldata({ ...proof, pi_a: ['x', '2', '1'] }, ['1']), isProofError);
    assert.throws(() => encodeProofCalldata({ ...proof, protocol: 'plonk' }, ['1']), isProofError);
    assert.throws(() => encodeProofCalldata(proof, ['-1']), isProofError);
    assert.throws(() => encodeProofCalldata(proof, [String(1n << 256n)]), isProofError);
    assert.throws(() => encodeProofCalldata({ pi_a: [] } as never, ['1']), isProofError);
    assert.deepEqual(encodeProofCalldata(proof, ['0x10', 7n]).publicSignals, [16n, 7n]);
  });
});
