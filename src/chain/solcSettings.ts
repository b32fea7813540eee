/**
 * The Solidity compiler and its settings, in one place: Hardhat (hardhat.config.ts) and the library's
 * own solc-js compiler (src/chain/solc.ts) use the same ones, so both produce the same code.
 * The compiler is the `solc` npm package's soljson.js: nothing is ever downloaded.
 * EVM target `cancun`: the verifier only needs the BN254 precompiles (0x06–0x08), and cancun runs on
 * every current L1/L2 and on Hardhat's simulated network.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const SOLC_VERSION = '0.8.37';

/** Absolute path of the solc-js compiler shipped by the `solc` npm package. */
export const SOLC_JS_PATH: string = require.resolve('solc/soljson.js');

export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
} as const;
