/**
 * The zkinfer command line: a thin commander front over the library. Each command file
 * declares its arguments and calls library code; errors go through one handler.
 */
import { Command, CommanderError } from 'commander';
import { shutdown } from '../src/prover/shutdown.ts';
import { TOOLKIT_VERSION } from '../src/version.ts';
import { commands } from './commands/index.ts';
import { reportError, type GlobalFlags } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('zkinfer')
    .description('Zero-knowledge proofs of ONNX model inference (Circom + Groth16)')
    .version(TOOLKIT_VERSION)
    .option('--json', 'print machine-readable JSON results, no progress')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    return reportError(e, program.opts<GlobalFlags>());
  } finally {
    await shutdown();
  }
}
