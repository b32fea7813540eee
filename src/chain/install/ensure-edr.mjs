#!/usr/bin/env node
/**
 * postinstall: makes sure Hardhat's native EDR package for this platform (@nomicfoundation/edr-<platform>) is
 * installed. EDR's platform packages declare engines.node ">= 22"; `npm install` run by an older system Node
 * silently skips them (they are optional dependencies), and Hardhat then cannot start. The project ships Node 22
 * as the `node` npm package, so when the package is missing this re-runs npm (the same npm) under that Node to
 * install exactly the version @nomicfoundation/edr pins, without touching package.json or the lockfile.
 * Never fails the install: on any problem it prints what to run by hand. Plain JS (runs before tsx exists).
 * Skip with ZKINFER_SKIP_EDR_CHECK=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const nm = join(root, 'node_modules');
const say = (msg) => process.stderr.write(`zkinfer postinstall: ${msg}\n`);

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    return !process.report.getReport().header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

/** The EDR platform package name, as @nomicfoundation/edr's napi-rs loader picks it. */
function edrPlatformPackage() {
  const { platform, arch } = process;
  if (platform === 'linux') return `@nomicfoundation/edr-linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'darwin') return `@nomicfoundation/edr-darwin-${arch}`;
  if (platform === 'win32') return `@nomicfoundation/edr-win32-${arch}-msvc`;
  return undefined;
}

function main() {
  if (process.env.ZKINFER_SKIP_EDR_CHECK) return;
  const edrJson = join(nm, '@nomicfoundation', 'edr', 'package.json');
  if (!existsSync(edrJson)) return; // Hardhat not installed (e.g. --omit=dev, or zkinfer installed as a dependency)
  const pkg = edrPlatformPackage();
  if (!pkg) return;
  if (existsSync(join(nm, ...pkg.split('/'), 'package.json'))) return;

  const version = JSON.parse(readFileSync(edrJson, 'utf8')).optionalDependencies?.[pkg];
  if (!version) {
    say(`@nomicfoundation/edr has no build for ${process.platform}-${process.arch}: Hardhat (contract tests, in-process chain) will not run here`);
    return;
  }
  const manual = `PATH="${join(nm, 'node', 'bin')}${delimiter}$PATH" npm install --no-save ${pkg}@${version}`;
  const major = Number(process.versions.node.split('.')[0]);
  const node22 = major >= 22 ? process.execPath : join(nm, 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const npmCli = process.env.npm_execpath;
  if (!existsSync(node22) || !npmCli || !/\.(c|m)?js$/.test(npmCli)) {
    say(`${pkg} is missing (npm skipped it: it needs Node ≥ 22) and Node 22 / the npm CLI was not found; run:\n  ${manual}`);
    return;
  }
  const npmNode = /node\/v([0-9.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1] ?? 'an older version';
  say(`npm (running on Node ${npmNode}) skipped ${pkg}@${version}, which needs Node ≥ 22: installing it with ${node22}`);
  try {
    execFileSync(node22, [npmCli, 'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${pkg}@${version}`], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ZKINFER_SKIP_EDR_CHECK: '1', PATH: `${dirname(node22)}${delimiter}${process.env.PATH ?? ''}` },
    });
  } catch (e) {
    say(`installing ${pkg} failed (${e.message}); run:\n  ${manual}`);
    return;
  }
  if (!existsSync(join(nm, ...pkg.split('/'), 'package.json'))) say(`${pkg} is still missing; run:\n  ${manual}`);
  else say(`${pkg}@${version} installed`);
}

main();
