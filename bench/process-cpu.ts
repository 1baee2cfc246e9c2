/**
 * CPU time a process has used (user + system, all its threads), from /proc/<pid>/stat.
 * Unlike req/s, CPU per request barely moves when other processes take the cores.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** Seconds of CPU, or null where /proc is unavailable (not Linux, process gone). */
export function readProcessCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]); // field 14 of the whole line
    const stime = Number(fields[12]); // field 15
    return (utime + stime) / clockTicksPerSecond();
  } catch {
    return null;
  }
}
