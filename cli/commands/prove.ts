import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { InputError } from '../../src/errors.ts';
import { printResult, stageProgress, type GlobalFlags } from '../output.ts';
import { formatOutputs, readJsonFile } from '../format.ts';
import { formatCommitments } from './commit.ts';

export function register(program: Command): void {
  program
    .command('prove')
    .description('prove one inference (--input) or one per line of a JSON Lines file in parallel (--batch)')
    .argument('<build>', 'build directory (compiled and set up)')
    .option('--input <file>', 'the model input: nested array, { "<name>": [...] } or { "input_data": [[...]] }')
    .option('--batch <file>', 'JSON Lines: one model input per line, proved in parallel (proofs go to the -o directory)')
    .requiredOption('-o, --out <path>', 'where to write the proof JSON (with --batch: a directory)')
    .option('--workers <n>', 'with --batch: prover worker threads (default: from the cores and free memory)')
    .option('--witness <kind>', 'witness generator: wasm or native (circom C++, built with g++ on first use)', 'wasm')
    .option('--salt <file>', 'private salts of hashed inputs/outputs (from `zkinfer commit --salt`)')
    .option('--weights <file>', 'committed-weights builds: prove with this weights file instead of <build>/weights.json')
    .action(async (build: string, o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      checkProveOptions(o);
      if (o.batch) return proveBatchCommand(build, o, flags);
      const { Prover } = await import('../../src/prover/Prover.ts');
      const { writeProofFile } = await import('../../src/prover/proofFile.ts');
      const input = await readJsonFile(o.input, 'input');
      const bar = stageProgress(flags, ['load', 'witness + proof']);
      const prover = await Prover.load(build, { witness: o.witness });
      bar.update('witness + proof');
      const { readSaltFile } = await import('../../src/prover/commitment/salts.ts');
      const { readWeightsFile } = await import('../../src/prover/commitment/weightsFile.ts');
      const salts = o.salt ? await readSaltFile(o.salt) : undefined;
      const weights = o.weights ? await readWeightsFile(o.weights, prover.manifest) : undefined;
      const r = await prover.prove(input, { salts, weights }).finally(bar.stop);
      await prover.close();
      await writeProofFile(o.out, prover.proofFile(r));
      printResult(flags, { ok: true, proof: o.out, outputs: r.outputs, commitments: r.commitments, witnessMs: r.witnessMs, proveMs: r.proveMs }, () => {
        console.log(`proof written to ${o.out} (witness ${r.witnessMs.toFixed(0)} ms, proof ${r.proveMs.toFixed(0)} ms)`);
        if (r.outputs.length > 0) console.log(formatOutputs(r.outputs));
        if (r.commitments.length > 0) console.log(formatCommitments(r.commitments));
      });
    });
}

interface ProveOptions {
  input?: string;
  batch?: string;
  out: string;
  workers?: string;
  witness: string;
  salt?: string;
  weights?: string;
}

function checkProveOptions(o: ProveOptions): void {
  if (!!o.input === !!o.batch) {
    throw new InputError('PROVE_INPUT', o.input ? 'give either --input or --batch, not both' : 'no input given', {
      fix: 'pass --input <input.json> for one proof, or --batch <inputs.jsonl> for one proof per line',
    });
  }
  if (o.witness !== 'wasm' && o.witness !== 'native') {
    throw new InputError('OPTION_RANGE', `--witness must be wasm or native, got ${o.witness}`, { fix: 'pass --witness wasm or --witness native' });
  }
  if (o.workers !== undefined && !/^[1-9]\d*$/.test(o.workers)) {
    throw new InputError('OPTION_RANGE', `--workers must be a positive integer, got ${o.workers}`, { fix: 'pass e.g. --workers 2' });
  }
  if (o.workers !== undefined && !o.batch) throw new InputError('PROVE_INPUT', '--workers applies to --batch only', { fix: 'drop --workers, or use --batch' });
}

async function proveBatchCommand(build: string, o: ProveOptions, flags: GlobalFlags): Promise<void> {
  const { ProverPool } = await import('../../src/prover/pool/ProverPool.ts');
  const { proveBatch, readJsonLines } = await import('../../src/prover/pool/proveBatch.ts');
  const { readSaltFile } = await import('../../src/prover/commitment/salts.ts');
  const { readWeightsFile } = await import('../../src/prover/commitment/weightsFile.ts');
  const lines = await readJsonLines(o.batch!);
  const pool = await ProverPool.create(build, { workers: o.workers ? Number(o.workers) : undefined, witness: o.witness as 'wasm' | 'native' });
  let summary;
  try {
    const salts = o.salt ? await readSaltFile(o.salt) : undefined;
    const weights = o.weights ? await readWeightsFile(o.weights, pool.manifest) : undefined;
    const bar = batchProgress(flags, lines.length, pool.size);
    summary = await proveBatch(pool, lines, { outDir: o.out, secrets: { salts, weights }, onResult: () => bar.tick() }).finally(bar.stop);
  } finally {
    await pool.close();
  }
  if (summary.failed > 0) process.exitCode = 1;
  const json = {
    ok: summary.failed === 0,
    proved: summary.proved,
    failed: summary.failed,
    workers: pool.size,
    proofsPerMinute: summary.proofsPerMinute,
    results: summary.results.map((r) => (r.ok ? { line: r.line, ok: true, proof: r.proofFile } : { line: r.line, ok: false, error: r.error })),
  };
  printResult(flags, json, () => {
    console.log(`${summary.proved} of ${summary.results.length} proofs written to ${o.out} with ${pool.size} worker(s) (${summary.proofsPerMinute.toFixed(1)} proofs/min)`);
    for (const r of summary.results.filter((x) => !x.ok)) {
      process.stderr.write(`error: line ${r.line}: ${r.error!.message}\n`);
      if (r.error!.fix) process.stderr.write(`  fix: ${r.error!.fix}\n`);
    }
  });
}

function batchProgress(flags: GlobalFlags, total: number, workers: number): { tick: () => void; stop: () => void } {
  if (flags.json || !process.stderr.isTTY) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: ` {bar} {value}/{total} proofs (${workers} workers)`, stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}
