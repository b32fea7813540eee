#!/usr/bin/env node
// zkinfer CLI entry: loads the TypeScript sources through tsx, then runs the commander program.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
