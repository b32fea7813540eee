/**
 * What the chain functions need from a build directory (design §5): the manifest (name, ONNX hash, packed
 * public layout), the verifying-key hash, the zkey; plus model ids and the deployment record
 * (<build>/deployments.json: chain id → registry, verifier, model id), written by deployModel.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isHex, keccak256, toBytes, type Address, type Hex } from 'viem';
import { ArtifactError } from '../errors.ts';
import type { Manifest, PackedGroup } from '../manifest.ts';
import { buildPaths, type BuildPaths } from '../paths.ts';
import { sha256File, toJson, writeFileAtomic } from '../util/files.ts';

export interface BuildInfo {
  paths: BuildPaths;
  manifest: Manifest;
}

export async function loadBuild(buildDir: string): Promise<BuildInfo> {
  const paths = buildPaths(buildDir);
  if (!existsSync(paths.manifest)) {
    throw new ArtifactError('ARTIFACT_MISSING', `${paths.manifest} does not exist: ${buildDir} is not a zkinfer build`, {
      fix: 'compile the model first (zkinfer compile model.onnx -o <build>) or pass the right build directory',
    });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as Manifest;
  } catch (e) {
    throw new ArtifactError('ARTIFACT_CORRUPT', `${paths.manifest} is not valid JSON`, { fix: 'rebuild the model', cause: e });
  }
  if (!manifest.publicSignals || !Array.isArray(manifest.publicSignals.groups)) {
    throw new ArtifactError('ARTIFACT_CORRUPT', `${paths.manifest} has no publicSignals layout`, { fix: 'rebuild the model with this zkinfer version' });
  }
  return { paths, manifest };
}

/** The zkey, checked against the manifest's hash when it records one. */
export async function checkedZkey(build: BuildInfo): Promise<string> {
  const { paths, manifest } = build;
  if (!existsSync(paths.zkey)) {
    throw new ArtifactError('ARTIFACT_MISSING', `${paths.zkey} does not exist: the build has no trusted setup yet`, {
      fix: 'run the setup first (zkinfer setup <build> --ptau <file>, or --dev for an insecure local one)',
    });
  }
  const expected = manifest.setup?.zkeySha256;
  if (expected && (await sha256File(paths.zkey)) !== expected) {
    throw new ArtifactError('ARTIFACT_HASH_MISMATCH', `${paths.zkey} does not match the manifest's zkeySha256`, {
      fix: 'the zkey changed after setup: rerun the setup so the manifest and zkey agree',
    });
  }
  return paths.zkey;
}

/** sha256 of verification_key.json as a bytes32 (the manifest's vkeySha256 when recorded). */
export async function vkeyHash(build: BuildInfo): Promise<Hex> {
  const { paths, manifest } = build;
  const recorded = manifest.setup?.vkeySha256;
  if (recorded) return hex32(recorded, 'setup.vkeySha256');
  if (!existsSync(paths.vkey)) {
    throw new ArtifactError('ARTIFACT_MISSING', `${paths.vkey} does not exist`, { fix: 'run the setup first (zkinfer setup <build>)' });
  }
  return hex32(await sha256File(paths.vkey), 'verification_key.json');
}

export function onnxHash(build: BuildInfo): Hex {
  return hex32(build.manifest.onnx.sha256, 'onnx.sha256');
}

function hex32(h: string, what: string): Hex {
  const x = (h.startsWith('0x') ? h : `0x${h}`) as Hex;
  if (!isHex(x) || x.length !== 66) {
    throw new ArtifactError('ARTIFACT_CORRUPT', `manifest ${what} is not a sha256 hex digest`, { fix: 'rebuild the model' });
  }
  return x.toLowerCase() as Hex;
}

/**
 * A registry model id: a 0x-prefixed 32-byte hex string is used as is; anything else (by default the
 * manifest's model name) is hashed: keccak256(utf8(name)).
 */
export function modelIdOf(nameOrId: string): Hex {
  if (/^0x[0-9a-fA-F]{64}$/.test(nameOrId)) return nameOrId.toLowerCase() as Hex;
  return keccak256(toBytes(nameOrId));
}

/** The registry's view of a packed group. */
export interface RegistryGroup {
  firstSignal: number;
  count: number;
  bits: number;
  perSignal: number;
  lo: bigint;
}

/** Output and public-input groups of the manifest, as ZkInferRegistry.registerModel takes them. */
export function registryLayout(manifest: Manifest): { publicSignals: number; outputs: RegistryGroup[]; inputs: RegistryGroup[] } {
  const conv = (g: PackedGroup): RegistryGroup => ({
    firstSignal: g.firstSignal,
    count: g.count,
    bits: g.bits,
    perSignal: g.perSignal,
    lo: BigInt(g.lo),
  });
  const bySignal = (a: PackedGroup, b: PackedGroup) => a.firstSignal - b.firstSignal;
  const groups = manifest.publicSignals.groups;
  return {
    publicSignals: manifest.publicSignals.total,
    outputs: groups.filter((g) => g.role === 'output').sort(bySignal).map(conv),
    inputs: groups.filter((g) => g.role === 'input').sort(bySignal).map(conv),
  };
}

/** ZkInferRegistry's NONE: no such commitment signal. */
export const NO_SIGNAL = 0xffffffff;

/** The registry's view of a model's commitments (ZkInferRegistry.Commitments). */
export interface RegistryCommitments {
  inputSignal: number;
  outputSignal: number;
  weightsSignal: number;
  weights: bigint;
}

/**
 * The commitment signals of the manifest, as registerModelWithCommitments takes them (undefined when
 * the model has none). `weights` is the registered weights commitment (committed-weights models).
 */
export function registryCommitments(manifest: Manifest, weights?: bigint): RegistryCommitments | undefined {
  const at = (role: PackedGroup['role']): number => manifest.publicSignals.groups.find((g) => g.role === role)?.firstSignal ?? NO_SIGNAL;
  const c = { inputSignal: at('inputCommitment'), outputSignal: at('outputCommitment'), weightsSignal: at('weightsCommitment'), weights: weights ?? 0n };
  if (c.inputSignal === NO_SIGNAL && c.outputSignal === NO_SIGNAL && c.weightsSignal === NO_SIGNAL) return undefined;
  if (c.weightsSignal !== NO_SIGNAL && weights === undefined) {
    throw new ArtifactError('WEIGHTS_COMMITMENT_MISSING', `${manifest.name} has committed weights: registering it needs their commitment`, {
      fix: 'keep weights.json in the build (zkinfer compile writes it) or pass the commitment `zkinfer commit <build> --weights` printed',
    });
  }
  return c;
}

/** One deployment of a build on one chain. */
export interface DeploymentRecord {
  chainId: number;
  verifier: Address;
  verifierContract: string;
  registry?: Address;
  modelId?: Hex;
  rpc?: string;
  deployedAt: string;
}

const deploymentsFile = (buildDir: string) => join(buildDir, 'deployments.json');

export async function readDeployments(buildDir: string): Promise<Record<string, DeploymentRecord>> {
  const file = deploymentsFile(buildDir);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, DeploymentRecord>;
  } catch (e) {
    throw new ArtifactError('ARTIFACT_CORRUPT', `${file} is not valid JSON`, { fix: `delete ${file} and deploy again`, cause: e });
  }
}

export async function recordDeployment(buildDir: string, rec: DeploymentRecord): Promise<void> {
  const all = await readDeployments(buildDir);
  all[String(rec.chainId)] = rec;
  await writeFileAtomic(deploymentsFile(buildDir), toJson(all));
}
