/**
 * Issue 5, acceptance 1 (and the privacy rule of its scope): every combination of
 * --input private|public|hashed, --output public|hashed, --weights constant|committed compiles,
 * proves and verifies for the digits MLP, through the CLI; the commitments `zkinfer commit`
 * prints equal the proof's public signals; public outputs equal the integer interpreter's; the
 * constraint estimate is exact; and no private value (input, output, weight, salt, or their packed
 * encodings) appears in the manifest, the proof file, the verification key or any CLI output —
 * while, as a control, the same search does find the values a mode makes public.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { interpretOutputs } from '../../src/compiler/integer/interpret.ts';
import { weightRuns } from '../../src/compiler/privacy/weights.ts';
import { packRuns } from '../../src/prover/commitment/pack.ts';
import { readSaltFile } from '../../src/prover/commitment/salts.ts';
import { readWeightsFile, weightsFileOf } from '../../src/prover/commitment/weightsFile.ts';
import { quantizeInput } from '../../src/prover/encodeInput.ts';
import { layoutPublicSignals, packGroup } from '../../src/prover/publicSignals.ts';
import { verifyProofFile } from '../../src/prover/verify.ts';
import type { Manifest } from '../../src/manifest.ts';
import { sha256 } from '../../src/util/files.ts';
import type { IntGraph } from '../../src/compiler/integer/ir.ts';
import { ALL_MODES, ROOT, fixtureDir, modeName, prebuildMlp, privacyBuild, type Mode } from './builds.ts';
import { findLeaks, type Secrets } from './leaks.ts';

const run = promisify(execFile);
const TMP = join(ROOT, 'cli');
const MLP = 'digits-mlp';
const INPUT = join(fixtureDir(MLP), 'input.json');

async function zk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['cli/bin.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The private values of a proof of `x` in `mode`, and their packed encodings. */
export function privateValues(manifest: Manifest, g: IntGraph, x: unknown, salts: { input?: bigint; output?: bigint }, weights?: { values: bigint[]; salt: bigint }): Record<'input' | 'output' | 'weights' | 'salts', Secrets> {
  const q = quantizeInput(manifest, x);
  const out = interpretOutputs(g, Object.fromEntries(g.inputs.map((n, i) => [n, q[i]])));
  const enc = manifest.outputs[0];
  const real = out[0].map((v) => Number(v - BigInt(enc.zeroPoint)) * 2 ** -enc.scale);
  const inNode = manifest.inputs[0];
  const pubIn = layoutPublicSignals([{ role: 'input', tensor: inNode.name, count: q[0].length, lo: inNode.lo, hi: inNode.hi }]).groups[0];
  const outNode = g.nodes.find((n) => n.name === g.outputs[0])!;
  const pubOut = layoutPublicSignals([{ role: 'output', tensor: outNode.name, count: out[0].length, lo: outNode.lo, hi: outNode.hi }]).groups[0];
  const inputReal = (JSON.parse(readFileSync(INPUT, 'utf8')) as number[][]).flat();
  return {
    input: {
      scalars: [
        ...packGroup(q[0], pubIn).map((value, i) => ({ name: `packed input ${i}`, value })),
        ...packRuns(q[0], [{ name: 'in', count: q[0].length, bits: inNode.bits, lo: inNode.lo }]).map((value, i) => ({ name: `input commitment element ${i}`, value })),
      ],
      vectors: [{ name: 'input q', values: q[0] }, { name: 'input (real)', values: inputReal }],
    },
    output: {
      scalars: packGroup(out[0], pubOut).map((value, i) => ({ name: `packed output ${i}`, value })),
      vectors: [
        { name: 'output q', values: out[0] },
        { name: 'output (real)', values: real },
        { name: 'output (real, 4 digits)', values: real.map((v) => Number(v.toPrecision(4))) },
      ],
    },
    weights: weights
      ? {
          scalars: [
            { name: 'weights salt', value: weights.salt },
            ...packRuns(weights.values, weightRuns(manifest.weights!)).map((value, i) => ({ name: `packed weights ${i}`, value })),
          ],
          vectors: [{ name: 'weights', values: weights.values }],
        }
      : { scalars: [], vectors: [] },
    salts: {
      scalars: [
        ...(salts.input !== undefined ? [{ name: 'input salt', value: salts.input }] : []),
        ...(salts.output !== undefined ? [{ name: 'output salt', value: salts.output }] : []),
      ],
      vectors: [],
    },
  };
}

describe('privacy modes: every --input × --output × --weights combination on the digits MLP (CLI)', function () {
  this.timeout(1_200_000);
  before(async () => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
    await prebuildMlp(); // the setups of new builds, two at a time
  });

  for (const mode of ALL_MODES) {
    it(`${modeName(mode)}: compiles, proves, verifies; commitments = public signals; nothing private is public`, async function () {
      const b = await privacyBuild(MLP, mode);
      const m = b.manifest;
      const dir = b.paths.dir;
      assert.deepEqual(m.visibility, mode);
      assert.equal(b.estimate.total, m.circuit.constraints, 'the estimate (inspect, bench) is exact');

      const saltFile = join(TMP, `${modeName(mode)}.salts.json`);
      const proofFile = join(TMP, `${modeName(mode)}.proof.json`);
      const hasInOut = mode.input === 'hashed' || mode.output === 'hashed';
      const committed = mode.weights === 'committed';
      const outputs: Record<string, string> = {};

      // zkinfer commit: creates the salt file, prints the commitments (JSON here, people's form below).
      let printed: Array<{ role: string; signal: number; value: string }> = [];
      if (hasInOut || committed) {
        const args = ['commit', dir, ...(hasInOut ? ['--input', INPUT, '--salt', saltFile] : []), ...(committed ? ['--weights'] : [])];
        const c = await zk('--json', ...args);
        assert.equal(c.code, 0, c.stderr);
        outputs['commit --json'] = c.stdout;
        printed = (JSON.parse(c.stdout) as { commitments: typeof printed }).commitments;
        const human = await zk(...args);
        assert.equal(human.code, 0, human.stderr);
        outputs.commit = human.stdout;
      } else {
        const c = await zk('commit', dir, '--input', INPUT, '--salt', saltFile);
        assert.equal(c.code, 1);
        assert.match(c.stderr, /no input or output commitment/);
      }
      const salts = hasInOut ? await readSaltFile(saltFile) : {};

      const p = await zk('prove', dir, '--input', INPUT, '-o', proofFile, ...(hasInOut ? ['--salt', saltFile] : []));
      assert.equal(p.code, 0, p.stderr);
      outputs.prove = p.stdout + p.stderr;
      const v = await zk('verify', dir, proofFile);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /^verified/);
      outputs.verify = v.stdout + v.stderr;

      const pf = JSON.parse(readFileSync(proofFile, 'utf8')) as { publicSignals: string[] };
      const lib = await verifyProofFile(dir, proofFile);
      assert.equal(lib.valid, true);

      // The commitments zkinfer commit printed are the proof's public signals, at the manifest's positions.
      const groups = m.publicSignals.groups.filter((g) => g.commitment);
      assert.deepEqual(groups.map((g) => g.role).sort(), [
        ...(mode.input === 'hashed' ? ['inputCommitment'] : []), ...(mode.output === 'hashed' ? ['outputCommitment'] : []), ...(committed ? ['weightsCommitment'] : []),
      ].sort());
      assert.deepEqual(printed.map((c) => c.role).sort(), groups.map((g) => g.role).sort(), 'commit prints every commitment');
      for (const c of printed) {
        assert.equal(pf.publicSignals[c.signal], c.value, `${c.role}: printed by commit = public signal ${c.signal}`);
        assert.equal(m.publicSignals.groups.find((g) => g.role === c.role)!.firstSignal, c.signal);
        assert.ok(outputs.commit.includes(c.value) && outputs.prove.includes(c.value) && outputs.verify.includes(c.value), 'people see the commitment too');
      }

      // Public outputs are the interpreter's; public inputs are the quantized input.
      const x = JSON.parse(readFileSync(INPUT, 'utf8'));
      const q = quantizeInput(m, x);
      const expected = interpretOutputs(b.intGraph, { [b.intGraph.inputs[0]]: q[0] })[0];
      assert.deepEqual(lib.outputs!.flatMap((t) => t.values), mode.output === 'public' ? expected : []);
      assert.deepEqual(lib.inputs!.flatMap((t) => t.values), mode.input === 'public' ? q[0] : []);

      // Nothing private in anything public.
      const weights = committed ? await readWeightsFile(weightsFileOf(dir), m) : undefined;
      const secrets = privateValues(m, b.intGraph, x, salts, weights);
      const texts: Record<string, string> = {
        'manifest.json': readFileSync(b.paths.manifest, 'utf8'),
        'proof file': readFileSync(proofFile, 'utf8'),
        'verification_key.json': readFileSync(b.paths.vkey, 'utf8'),
        'model.circom': readFileSync(b.paths.circom, 'utf8'),
        ...Object.fromEntries(Object.entries(outputs).map(([k, t]) => [`zkinfer ${k} output`, t])),
      };
      const privateKinds = [
        ...(mode.input !== 'public' ? (['input'] as const) : []),
        ...(mode.output === 'hashed' ? (['output'] as const) : []),
        ...(committed ? (['weights'] as const) : []),
        'salts' as const,
      ];
      for (const kind of privateKinds) assert.deepEqual(findLeaks(texts, secrets[kind]), [], `${kind} values leak`);
      // A public ONNX hash would let anyone test a candidate model against committed weights: it is salted.
      const onnxSha = sha256(readFileSync(join(fixtureDir(MLP), 'model.onnx')));
      assert.equal(m.onnx.sha256 === onnxSha, !committed, 'onnx.sha256 is blinded exactly for committed weights');
      assert.equal(m.onnx.blinded === true, committed);
      // Control: the search finds what the mode makes public.
      if (mode.output === 'public') assert.ok(findLeaks(texts, secrets.output).length > 0, 'control: public outputs are found');
      if (mode.input === 'public') assert.ok(findLeaks(texts, secrets.input).length > 0, 'control: public inputs are found');
    });
  }
});

export type { Mode };
