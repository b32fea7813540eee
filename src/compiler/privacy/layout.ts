/**
 * The public-signal layout of a build for its visibility options (design §4): packed public
 * outputs (output 'public'), the commitments (output 'hashed', input 'hashed', weights
 * 'committed', one field element each), packed public inputs (input 'public').
 */
import { InputError } from '../../errors.ts';
import type { InputVisibility, OutputVisibility, PublicLayout, WeightsLayout, WeightsVisibility } from '../../manifest.ts';
import { commitmentLayout } from '../../prover/commitment/commitment.ts';
import { layoutPublicSignals, type PublicGroupSpec } from '../../prover/publicSignals.ts';
import { bitLength } from '../integer/arith.ts';
import type { IntGraph } from '../integer/ir.ts';
import { weightRuns } from './weights.ts';

export interface Visibility {
  input: InputVisibility;
  output: OutputVisibility;
  weights: WeightsVisibility;
}

export const INPUT_CHOICES = ['private', 'public', 'hashed'] as const;
export const OUTPUT_CHOICES = ['public', 'hashed'] as const;
export const WEIGHTS_CHOICES = ['constant', 'committed'] as const;

export function checkVisibility(v: Visibility): void {
  const check = (name: string, value: string, choices: readonly string[]) => {
    if (!choices.includes(value)) {
      throw new InputError('OPTION_CHOICE', `--${name} must be one of ${choices.join(', ')}, got '${value}'`, { fix: `e.g. --${name} ${choices[0]}` });
    }
  };
  check('input', v.input, INPUT_CHOICES);
  check('output', v.output, OUTPUT_CHOICES);
  check('weights', v.weights, WEIGHTS_CHOICES);
}

/** Runs of integers (name, count, offset, width) of some tensors, for a commitment. */
function tensorRuns(g: IntGraph, names: string[]) {
  return names.map((name) => {
    const n = g.nodes.find((m) => m.name === name)!;
    return { name, count: n.shape.reduce((a, b) => a * b, 1), bits: Math.max(1, bitLength(n.hi - n.lo)), lo: n.lo.toString() };
  });
}

export function privacyLayout(g: IntGraph, v: Visibility, weights: WeightsLayout | undefined): PublicLayout {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const group = (role: 'output' | 'input', n: string): PublicGroupSpec => ({ role, tensor: n, count: size(byName.get(n)!.shape), lo: byName.get(n)!.lo, hi: byName.get(n)!.hi });
  const specs: PublicGroupSpec[] = [];
  if (v.output === 'public') specs.push(...g.outputs.map((n) => group('output', n)));
  if (v.output === 'hashed') {
    specs.push({ role: 'outputCommitment', tensor: g.outputs.join(','), count: 1, lo: 0, hi: 0, commitment: commitmentLayout('outputCommitment', tensorRuns(g, g.outputs)) });
  }
  if (v.input === 'hashed') {
    specs.push({ role: 'inputCommitment', tensor: g.inputs.join(','), count: 1, lo: 0, hi: 0, commitment: commitmentLayout('inputCommitment', tensorRuns(g, g.inputs)) });
  }
  if (v.weights === 'committed') {
    if (!weights) {
      throw new InputError('NO_WEIGHTS', 'the model has no weighted layer (Gemm, MatMul, Conv, BatchNormalization) to commit to', { fix: 'use --weights constant' });
    }
    specs.push({ role: 'weightsCommitment', tensor: 'weights', count: 1, lo: 0, hi: 0, commitment: commitmentLayout('weightsCommitment', weightRuns(weights)) });
  }
  if (v.input === 'public') specs.push(...g.inputs.map((n) => group('input', n)));
  return layoutPublicSignals(specs);
}
