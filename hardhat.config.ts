/**
 * Hardhat 3 configuration: Solidity sources in contracts/ (including contracts/generated/, where
 * per-model verifiers are exported), mocha tests in test/chain/, viem as the client library.
 * solc comes from the `solc` npm package (no compiler download); settings are shared with the
 * library's own compiler (src/chain/solcSettings.ts). Needs Node ≥ 22 (npm scripts use node_modules/.bin/node).
 */
import { defineConfig } from 'hardhat/config';
import hardhatViem from '@nomicfoundation/hardhat-viem';
import hardhatMocha from '@nomicfoundation/hardhat-mocha';
import hardhatViemAssertions from '@nomicfoundation/hardhat-viem-assertions';
import { SOLC_JS_PATH, SOLC_SETTINGS, SOLC_VERSION } from './src/chain/solcSettings.ts';
import { mochaHooks } from './test/setup.ts';

export default defineConfig({
  plugins: [hardhatViem, hardhatMocha, hardhatViemAssertions],
  solidity: {
    version: SOLC_VERSION,
    path: SOLC_JS_PATH,
    settings: SOLC_SETTINGS,
  },
  paths: {
    sources: 'contracts',
    tests: { mocha: 'test/chain' },
  },
  test: {
    mocha: { timeout: 300_000, rootHooks: mochaHooks },
  },
});
