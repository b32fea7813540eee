/**
 * Bench helpers: run a bench step in its own process and measure its wall time and peak
 * memory, including child processes (circom, g++): /proc is sampled every 100 ms and the
 * resident sizes of the process and all its descendants are summed (peak tree RSS). The
 * step's own ru_maxrss comes from the JSON line it prints (peakRssMb).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** pid and all its descendants (by scanning /proc/<pid>/stat parents). */
function tree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      /* gone */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i]) out.push(p);
  return out;
}

export interface Measured {
  /** The last stdout line, parsed as JSON. */
  result: Record<string, unknown>;
  wallS: number;
  /** Peak of Σ RSS over the process tree, sampled every 100 ms. */
  peakTreeRssMb: number;
}

/** Runs `node --import tsx <script> ...args`, forwarding stderr; its last stdout line must be JSON. */
export function runStep(script: string, args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let peak = 0;
    const sample = (): void => {
      if (child.pid === undefined) return;
      const kb = tree(child.pid).reduce((a, p) => a + rssKb(p), 0);
      if (kb > peak) peak = kb;
    };
    const timer = setInterval(sample, 100);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      const last = out.trim().split('\n').pop() ?? '{}';
      resolve({ result: JSON.parse(last) as Record<string, unknown>, wallS: (performance.now() - t0) / 1000, peakTreeRssMb: peak / 1024 });
    });
  });
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
}

/** A markdown table. */
export function table(columns: string[], rows: string[][]): string {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
