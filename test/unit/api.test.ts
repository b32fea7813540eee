import assert from 'node:assert/strict';
import * as api from '../../src/index.ts';

describe('public API', () => {
  it('exports exactly the documented names (change this list deliberately)', () => {
    assert.deepEqual(Object.keys(api).sort(), [
      // errors
      'ArtifactError', 'ChainError', 'CircuitError', 'InputError', 'OnnxParseError', 'ProofError',
      'QuantizationError', 'SetupError', 'ShapeError', 'UnsupportedError', 'ZkInferError',
      // compiler
      'compile', 'inspect', 'interpret', 'interpretOutputs', 'buildPaths',
      // prover
      'Prover', 'ProverPool', 'beacon', 'contribute', 'decodePublicSignals', 'encodeInput', 'prove', 'quantizeInput', 'readProofFile',
      'setup', 'shutdown', 'verify', 'verifyProofFile', 'verifySetup', 'writeDevPtau', 'writeProofFile',
      // chain
      'PRIVATE_KEY_ENV', 'compileSolidity', 'connectRpc', 'createInProcessChain', 'deployAndVerify', 'deployModel',
      'deployRegistry', 'deployVerifier', 'encodeProofCalldata', 'exportVerifier', 'isRegistry', 'loadPrivateKey',
      'measureVerifyGas', 'modelIdOf', 'readDeployments', 'readProofFiles', 'registerModel', 'registryContract',
      'registryLayout', 'renderVerifier', 'resolveClients', 'verifierContract', 'verifierContractName', 'verifyOnChain',
    ].sort());
  });
});
