/**
 * Shared pieces of the chain CLI commands (cli/commands/{export-verifier,deploy,verify-onchain}.ts): output
 * sink, option parsers, defaults. Commands throw ZkInferErrors; the CLI's main prints them.
 */
import { isAddress, type Address } from 'viem';
import { InputError } from '../errors.ts';
import { toJson } from '../util/files.ts';

/** Where a command writes its result (stdout by default; tests capture it). */
export interface CommandIO {
  out(text: string): void;
}

export const stdoutIO: CommandIO = { out: (text) => process.stdout.write(`${text}\n`) };

/** --rpc default: $ZKINFER_RPC_URL, else a local node (npx hardhat node). */
export const defaultRpc = (): string => process.env.ZKINFER_RPC_URL ?? 'http://127.0.0.1:8545';

export function parseAddress(v: string): Address {
  if (!isAddress(v, { strict: false })) {
    throw new InputError('OPTION_FORMAT', `'${v}' is not an Ethereum address`, { fix: 'pass 0x followed by 40 hex digits, e.g. the address zkinfer deploy printed' });
  }
  return v as Address;
}

export function parseChainId(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new InputError('OPTION_FORMAT', `--chain-id takes a positive whole number, got '${v}'`, { fix: 'e.g. --chain-id 31337 (Hardhat) or 1 (Ethereum mainnet)' });
  }
  return n;
}

/** JSON with bigints as decimal strings. */
export const json = (v: unknown): string => toJson(v);

/** The global --json flag (declared on the program by cli/main.ts), or a local one. */
export function wantsJson(cmd: { optsWithGlobals(): Record<string, unknown> }): boolean {
  return cmd.optsWithGlobals().json === true;
}
