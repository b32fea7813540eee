/** Every CLI command, in help order. Each file exports `register(program)`. */
import type { Command } from 'commander';
import { register as compile } from './compile.ts';
import { register as commit } from './commit.ts';
import { register as deploy } from './deploy.ts';
import { register as exportVerifier } from './export-verifier.ts';
import { register as inspect } from './inspect.ts';
import { register as prove } from './prove.ts';
import { register as setup } from './setup.ts';
import { register as verify } from './verify.ts';
import { register as verifyOnchain } from './verify-onchain.ts';

export const commands: Array<(program: Command) => void> = [inspect, compile, commit, setup, prove, verify, exportVerifier, deploy, verifyOnchain];
