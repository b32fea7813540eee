/**
 * `zkinfer commit <build>`: prints the Poseidon commitments the build's circuit exposes as
 * public signals (design §4), computed with circomlibjs exactly as the circuit computes them:
 *   --input x.json --salt s.json   input commitment (input hashed) and output commitment (output
 *                                  hashed: the integer model's outputs on x); s.json holds the
 *                                  private salts and is created with fresh random ones if missing
 *   --weights [file]               weights commitment (weights committed) of the build's
 *                                  weights.json, or of another weights file of the same architecture
 * Private values (inputs, outputs, weights, salts) are never printed.
 */
import type { Command } from 'commander';
import { InputError } from '../../src/errors.ts';
import { printResult, type GlobalFlags } from '../output.ts';
import { readJsonFile } from '../format.ts';

/** Commitments as `role (public signal i): value` lines. */
export function formatCommitments(commitments: ReadonlyArray<{ role: string; value: bigint; signal?: number }>): string {
  return commitments.map((c) => `  ${c.role}${c.signal === undefined ? '' : ` (public signal ${c.signal})`}: ${c.value}`).join('\n');
}

export function register(program: Command): void {
  program
    .command('commit')
    .description('print the Poseidon commitments a build exposes (hashed input/output, committed weights), as the circuit computes them')
    .argument('<build>', 'build directory from `zkinfer compile`')
    .option('--input <file>', 'the model input (JSON): input commitment (--input hashed builds) and output commitment (--output hashed)')
    .option('--salt <file>', 'private salts of the input/output commitments (JSON); created with fresh random salts if it does not exist')
    .option('--weights [file]', 'weights commitment (--weights committed builds) of <build>/weights.json, or of this weights file')
    .action(async (build: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const { readManifest } = await import('../../src/prover/artifacts.ts');
      const { buildPaths } = await import('../../src/paths.ts');
      const { buildCommitments } = await import('../../src/prover/commitment/buildCommitments.ts');
      const { ensureSaltFile, neededSalts } = await import('../../src/prover/commitment/salts.ts');
      const { readWeightsFile, weightsFileOf } = await import('../../src/prover/commitment/weightsFile.ts');
      const manifest = await readManifest(buildPaths(build));
      const v = manifest.visibility;
      if (o.input === undefined && o.weights === undefined) {
        throw new InputError('COMMIT_NOTHING', 'nothing to commit: give --input <file> and/or --weights', {
          fix: `zkinfer commit ${build} --input input.json --salt salts.json (hashed input/output) or --weights (committed weights)`,
        });
      }
      if (o.input !== undefined && v.input !== 'hashed' && v.output !== 'hashed') {
        throw new InputError('NO_COMMITMENT', `${manifest.name} exposes no input or output commitment (input ${v.input}, output ${v.output})`, {
          fix: 'compile with --input hashed and/or --output hashed',
        });
      }
      if (o.weights !== undefined && v.weights !== 'committed') {
        throw new InputError('NO_COMMITMENT', `${manifest.name} has constant weights: there is no weights commitment`, { fix: 'compile with --weights committed' });
      }
      // Weights are needed for the weights commitment, and for the outputs of a committed-weights model.
      const needWeights = v.weights === 'committed' && (o.weights !== undefined || (o.input !== undefined && v.output === 'hashed'));
      const weightsFile = typeof o.weights === 'string' ? o.weights : weightsFileOf(buildPaths(build).dir);
      const weights = needWeights ? await readWeightsFile(weightsFile, manifest) : undefined;
      let salts;
      let created: string[] = [];
      if (o.input !== undefined) {
        if (!o.salt) {
          throw new InputError('SALT_FILE_NEEDED', 'the input/output commitments are salted: pass --salt <file>', {
            fix: `zkinfer commit ${build} --input ${o.input} --salt salts.json (created with fresh random salts if missing; keep it secret, prove needs it)`,
          });
        }
        ({ salts, created } = await ensureSaltFile(o.salt, neededSalts(manifest)));
      }
      const input = o.input !== undefined ? await readJsonFile(o.input, 'input') : undefined;
      const commitments = await buildCommitments(build, manifest, { input, salts, weights });
      const shown = commitments.filter((c) => c.role !== 'weightsCommitment' || o.weights !== undefined);
      printResult(flags, { ok: true, commitments: shown.map((c) => ({ role: c.role, signal: c.signal, value: c.value.toString() })), saltFile: o.salt, saltsCreated: created }, () => {
        if (created.length > 0) console.log(`wrote fresh random ${created.join(' and ')} salt${created.length > 1 ? 's' : ''} to ${o.salt} (secret: keep it, \`zkinfer prove --salt ${o.salt}\` needs it)`);
        console.log(`commitments of ${manifest.name}:`);
        console.log(formatCommitments(shown));
      });
    });
}
