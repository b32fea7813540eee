/** The proving side of zkinfer: trusted setup, proving, verification, public-signal codec. */
export { loadBuild, readManifest, writeManifest, type LoadedBuild, type LoadBuildOptions, type ArtifactName } from './artifacts.ts';
export { setup, type SetupParams, type SetupResult, type SetupProgress } from './setup.ts';
export { contribute, type ContributeParams, type ContributionResult } from './contribute.ts';
export { beacon, type BeaconParams } from './beacon.ts';
export { verifySetup, type VerifySetupParams, type VerifySetupResult } from './verifySetup.ts';
export { Prover, prove, type ProveResult } from './Prover.ts';
export { ProverPool, type ProverPoolOptions } from './pool/ProverPool.ts';
export { proveBatch, readJsonLines, type BatchLineResult, type BatchSummary } from './pool/proveBatch.ts';
export { verify, verifyProofFile, verifyWithKey, type VerifyResult } from './verify.ts';
export { makeProofFile, readProofFile, writeProofFile, parseProofFile, validateProof, type ProofFile } from './proofFile.ts';
export { encodeInput, quantizeInput, isCircuitInput, type CircuitInput } from './encodeInput.ts';
export {
  layoutPublicSignals, packGroup, unpackGroup, decodePublicSignals, parseSignals,
  type PublicGroupSpec, type DecodedTensor, type DecodedPublicSignals,
} from './publicSignals.ts';
export { writeDevPtau, DEV_PTAU_LABEL, type DevPtauParams, type DevPtauResult } from './ptau/devPtau.ts';
export { readPtauInfo, requiredPower, checkPtauFor, assertPtauUsable, type PtauInfo } from './ptau/ptauInfo.ts';
export { readR1csInfo, type R1csInfo } from './r1csInfo.ts';
export { shutdown } from './shutdown.ts';
export { type PrivateInputs } from './privateInputs.ts';
export { commitmentLayout, computeCommitment, randomSalt, COMMITMENT_SCHEME } from './commitment/commitment.ts';
export { buildCommitments, commitInput, commitOutput, commitWeights, type CommitmentValue, type CommitOptions } from './commitment/buildCommitments.ts';
export { readSaltFile, ensureSaltFile, neededSalts, type Salts } from './commitment/salts.ts';
export { readWeightsFile, writeWeightsFile, weightsFileOf, type WeightsFile } from './commitment/weightsFile.ts';
