/** The constraint estimate of a build with its visibility options: estimateCost plus the privacy lines (cost.ts). */
import type { PublicLayout, WeightsLayout } from '../../manifest.ts';
import { estimateCost } from '../integer/cost.ts';
import type { IntGraph } from '../integer/ir.ts';
import { privacyCostLines } from './cost.ts';
import type { Visibility } from './layout.ts';

export function estimateWithPrivacy(g: IntGraph, v: Visibility, layout: PublicLayout, weights: WeightsLayout | undefined): ReturnType<typeof estimateCost> {
  const base = estimateCost(g, v.input === 'public' ? 'public' : 'private');
  const commitments = layout.groups.flatMap((x) => (x.commitment ? [{ role: x.role, layout: x.commitment }] : []));
  const extra = privacyCostLines({ commitments, weights: v.weights === 'committed' ? weights : undefined });
  const nodes = [...base.nodes, ...extra];
  return { total: nodes.reduce((a, n) => a + n.constraints, 0), nodes };
}
