/**
 * The one message for "this model uses things the compiler cannot prove", shared by
 * `importOnnx` (thrown as UnsupportedError) and `inspectOnnx` (returned), so that
 * `zkinfer inspect` and `zkinfer compile` say exactly the same thing.
 */
import { UnsupportedError } from '../../errors.ts';
import { OPS } from './ops/index.ts';

export interface UnsupportedNode {
  /** ONNX node name. */
  node: string;
  opType: string;
  /** Why (names the attribute, dtype or operand). */
  reason: string;
}

export interface UnsupportedSummary {
  code: 'ONNX_UNSUPPORTED_OP' | 'ONNX_UNSUPPORTED_MODEL';
  message: string;
  fix: string;
}

/** `op 'Cos' (node 'cos_1')` */
export const describeNode = (u: Pick<UnsupportedNode, 'node' | 'opType'>): string => `op '${u.opType}' (node '${u.node}')`;

/** Ops accepted on runtime tensors, and ops accepted only when computed from constants. */
export function supportedOps(): { runtime: string[]; constantOnly: string[] } {
  return { runtime: OPS.runtimeOps(), constantOnly: OPS.foldOnlyOps() };
}

/** Message and fix for unsupported nodes plus model-level issues (opset, input types); undefined when there are none. */
export function summarizeUnsupported(nodes: UnsupportedNode[], issues: string[]): UnsupportedSummary | undefined {
  if (nodes.length === 0 && issues.length === 0) return undefined;
  const ops = supportedOps();
  const lines: string[] = [];
  if (nodes.length > 0) {
    lines.push(`the model uses ${nodes.length} unsupported ONNX node${nodes.length === 1 ? '' : 's'}:`);
    for (const u of nodes) lines.push(`  - ${describeNode(u)}: ${u.reason}`);
  }
  for (const issue of issues) lines.push(`${nodes.length > 0 ? '  - ' : ''}${issue}`);
  lines.push(`supported ops: ${ops.runtime.join(', ')}`);
  lines.push(`also folded when computed only from constants: ${ops.constantOnly.join(', ')}`);
  const fix =
    nodes.length > 0
      ? 'change the model so that these nodes are not needed at inference (remove them, replace them with supported ops, ' +
        'or compute them outside the proof), then export it again'
      : 'export the model again with the settings named above';
  return { code: nodes.length > 0 ? 'ONNX_UNSUPPORTED_OP' : 'ONNX_UNSUPPORTED_MODEL', message: lines.join('\n'), fix };
}

export function unsupportedError(nodes: UnsupportedNode[], issues: string[]): UnsupportedError | undefined {
  const s = summarizeUnsupported(nodes, issues);
  if (!s) return undefined;
  return new UnsupportedError(s.code, s.message, {
    fix: s.fix,
    details: { unsupported: nodes, issues, supportedOps: supportedOps() },
  });
}
