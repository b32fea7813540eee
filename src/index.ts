/**
 * zkinfer's public API. Re-exports are deliberate: test/unit/api.test.ts snapshots the
 * export names so the API cannot change by accident.
 */
export { compile, type CompileOptions, type CompileResult } from './compiler/compile.ts';
export { inspect, type InspectResult } from './compiler/inspect.ts';
export { interpret, interpretOutputs } from './compiler/integer/interpret.ts';
export type { IntGraph, IntNode } from './compiler/integer/ir.ts';
export type { Graph, GraphNode } from './compiler/graph/ir.ts';
export {
  setup, contribute, beacon, verifySetup, Prover, ProverPool, prove, verify, verifyProofFile,
  readProofFile, writeProofFile, encodeInput, quantizeInput, decodePublicSignals, writeDevPtau, shutdown,
  type SetupParams, type SetupResult, type ProveResult, type ProverPoolOptions, type VerifyResult, type ProofFile, type DecodedTensor,
} from './prover/index.ts';
export * from './chain/index.ts';
export * from './errors.ts';
export type { Manifest, PublicLayout, PackedGroup, TensorEncoding } from './manifest.ts';
export { buildPaths, type BuildPaths } from './paths.ts';
