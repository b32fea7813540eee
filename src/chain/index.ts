/** On-chain side of zkinfer (design §8): verifier export, deployment, registry, on-chain verification, gas. */
export { exportVerifier, renderVerifier, verifierContractName, type ExportVerifierOptions, type ExportedVerifier } from './exportVerifier.ts';
export { deployVerifier, deployRegistry, registerModel, deployModel, isRegistry, type ChainOptions, type Deployed, type DeployModelResult } from './deploy.ts';
export { verifyOnChain, type VerifyOnChainOptions, type OnChainVerification } from './verifyOnChain.ts';
export { measureVerifyGas, type MeasureGasOptions, type VerifyGas } from './gas.ts';
export { encodeProofCalldata, readProofFiles, type ProofCalldata, type SnarkjsProof } from './proof.ts';
export { connectRpc, resolveClients, loadPrivateKey, PRIVATE_KEY_ENV, type ChainClients, type ChainTarget } from './clients.ts';
export { createInProcessChain, type InProcessChain } from './inProcess.ts';
export { modelIdOf, registryLayout, readDeployments, type DeploymentRecord } from './buildInfo.ts';
export { registryContract, verifierContract, compileSolidity, type CompiledContract } from './solc.ts';
export { deployAndVerify, type RoundTripOptions, type RoundTripResult } from './roundTrip.ts';
