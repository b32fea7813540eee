/**
 * Compiles Solidity with the `solc` npm package's solc-js (soljson.js) through its standard-JSON API,
 * so the library and the CLI deploy contracts without Hardhat and without downloading a compiler.
 * Settings are shared with hardhat.config.ts (solcSettings.ts). Results are memoized per process by
 * source content (loading soljson takes ~0.3 s, a verifier compiles in ~0.2 s).
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';
import { ChainError } from '../errors.ts';
import { sha256 } from '../util/files.ts';
import { SOLC_SETTINGS, SOLC_VERSION } from './solcSettings.ts';

const require = createRequire(import.meta.url);

export interface CompiledContract {
  contractName: string;
  abi: Abi;
  /** Creation bytecode. */
  bytecode: Hex;
  /** Runtime bytecode. */
  deployedBytecode: Hex;
}

interface Solc {
  version(): string;
  compile(input: string): string;
}

let solc: Solc | undefined;
function loadSolc(): Solc {
  solc ??= require('solc') as Solc;
  const v = solc.version();
  if (!v.startsWith(`${SOLC_VERSION}+`)) {
    throw new ChainError('CHAIN_SOLC_VERSION', `the installed solc npm package is ${v}, zkinfer needs ${SOLC_VERSION}`, {
      fix: `install solc@${SOLC_VERSION} (npm install solc@${SOLC_VERSION})`,
    });
  }
  return solc;
}

interface SolcOutput {
  errors?: Array<{ severity: 'error' | 'warning' | 'info'; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

const memo = new Map<string, Promise<Record<string, CompiledContract>>>();

/**
 * Compiles `sources` (source name → content) and returns every contract by name.
 * Imports must be among `sources` (no file system access from the compiler).
 */
export function compileSolidity(sources: Record<string, string>): Promise<Record<string, CompiledContract>> {
  const key = sha256(JSON.stringify(Object.entries(sources).sort()));
  let p = memo.get(key);
  if (!p) {
    p = Promise.resolve().then(() => compileNow(sources));
    p.catch(() => memo.delete(key));
    memo.set(key, p);
  }
  return p;
}

function compileNow(sources: Record<string, string>): Record<string, CompiledContract> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: {
      ...SOLC_SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(loadSolc().compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new ChainError('CHAIN_SOLC_FAILED', `solc could not compile ${Object.keys(sources).join(', ')}:\n${errors.map((e) => e.formattedMessage).join('\n')}`, {
      fix: 'regenerate the Solidity file (zkinfer export-verifier) or report the error',
    });
  }
  const result: Record<string, CompiledContract> = {};
  for (const file of Object.values(out.contracts ?? {})) {
    for (const [contractName, c] of Object.entries(file)) {
      result[contractName] = {
        contractName,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
  return result;
}

/** Directory of the project's Solidity sources (contracts/ next to src/). */
export const CONTRACTS_DIR = fileURLToPath(new URL('../../contracts/', import.meta.url));

/** ZkInferRegistry (with the PackedOutputs library it imports), compiled from contracts/. */
export async function registryContract(): Promise<CompiledContract> {
  const names = ['ZkInferRegistry.sol', 'PackedOutputs.sol'];
  const sources: Record<string, string> = {};
  for (const n of names) sources[n] = await readFile(CONTRACTS_DIR + n, 'utf8');
  return (await compileSolidity(sources)).ZkInferRegistry;
}

/** Compiles one generated verifier source and returns `contractName` from it. */
export async function verifierContract(source: string, contractName: string): Promise<CompiledContract> {
  const c = (await compileSolidity({ [`${contractName}.sol`]: source }))[contractName];
  if (!c) {
    throw new ChainError('CHAIN_SOLC_FAILED', `the verifier source does not define contract ${contractName}`, {
      fix: 'regenerate it with zkinfer export-verifier',
    });
  }
  return c;
}
