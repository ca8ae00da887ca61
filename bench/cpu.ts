import fs from 'node:fs';

/**
 * How busy the machine was with work that is not the bench's own, while a scenario ran: a
 * bench on a shared machine must say when its figures were disturbed. Linux only (null
 * elsewhere). "Own" is this process, the server and the load generator; PostgreSQL's
 * processes are not told apart from other work, so on that backend the figure includes them.
 */
export interface CpuSnapshot {
  busy: number;
  total: number;
  own: number;
}

function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function processTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Linux's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every Linux). */
export const TICKS_PER_SECOND = 100;

export function snapshot(pids: readonly number[]): CpuSnapshot | null {
  if (process.platform !== 'linux') return null;
  const { busy, total } = machineTicks();
  return { busy, total, own: [process.pid, ...pids].reduce((sum, pid) => sum + processTicks(pid), 0) };
}

/** Share of the machine's CPU (all cores) used by other work between two snapshots, 0–1. */
export function otherCpuShare(before: CpuSnapshot | null, after: CpuSnapshot | null): number | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  const other = after.busy - before.busy - (after.own - before.own);
  return Math.max(0, other) / total;
}

/**
 * Waits (up to `maxMs`) until other work has used under `threshold` of the machine's CPU for
 * two half-second samples in a row. Resolves to how long it waited, or -1 if it gave up.
 */
export async function waitForQuiet(pids: readonly number[], threshold: number, maxMs: number): Promise<number> {
  const started = Date.now();
  let quietSamples = 0;
  let previous = snapshot(pids);
  if (!previous) return 0;
  while (Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = snapshot(pids);
    const share = otherCpuShare(previous, next);
    previous = next;
    quietSamples = share !== null && share < threshold ? quietSamples + 1 : 0;
    if (quietSamples >= 2) return Date.now() - started;
  }
  return -1;
}
