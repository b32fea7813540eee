/**
 * The op registry (tract-style): each family file registers its ops, split into those that
 * lower at runtime and those that only fold on compile-time constants.
 */
import type { OpImpl } from '../context.ts';

export class OpRegistry {
  private readonly impls = new Map<string, OpImpl>();
  private readonly lowerable = new Set<string>();

  /** Ops that lower runtime tensors to IR (and fold on constants). */
  runtime(ops: Record<string, OpImpl>): void {
    for (const [name, impl] of Object.entries(ops)) {
      this.impls.set(name, impl);
      this.lowerable.add(name);
    }
  }

  /** Ops supported only when every input is a compile-time constant. */
  foldOnly(ops: Record<string, OpImpl>): void {
    for (const [name, impl] of Object.entries(ops)) this.impls.set(name, impl);
  }

  get(opType: string): OpImpl | undefined {
    return this.impls.get(opType);
  }

  /** Ops accepted on runtime tensors, sorted. */
  runtimeOps(): string[] {
    return [...this.lowerable].sort();
  }

  /** Ops accepted only on constants (folded), sorted. */
  foldOnlyOps(): string[] {
    return [...this.impls.keys()].filter((k) => !this.lowerable.has(k)).sort();
  }
}
