import { getHeapStatistics } from 'node:v8';

/**
 * The heap a deployment serving many workspaces needs. `npm start`, the Dockerfile and the systemd
 * units cap V8's long-lived heap at 384 MB: room for one company's deployment, and for about 170 installations of an
 * OAuth one. Each installation served adds about 0.45 MB that lives as long as the process (its Bolt app, its Slack
 * clients, its services, its program): with the cap at 384 MB, 1,000 installations left the garbage collector a third
 * of the CPU, a start took 77 s and requests waited up to 2 s; with 1,024 MB, 23 s and 20 ms (the tenants bench of
 * 2026-11-27, docs/scaling.md). The estimate: 256 MB for the app, 0.75 MB per installation (what it holds, with the
 * room the collector needs to work), rounded up to 128 MB.
 */
export const START_HEAP_MB = 384;
const APP_MB = 256;
const PER_INSTALLATION_MB = 0.75;
const STEP_MB = 128;

/** The heap cap (`--max-old-space-size`, MB) that `installations` need: at least what `npm start` gives. */
export function heapNeededMb(installations: number): number {
  const needed = Math.ceil((APP_MB + PER_INSTALLATION_MB * installations) / STEP_MB) * STEP_MB;
  return Math.max(START_HEAP_MB, needed);
}

const CAP_FLAG = /^--max[-_]old[-_]space[-_]size=(\d+)$/;

/**
 * This process's heap cap in MB: the last `--max-old-space-size` it was started with (its command line after
 * `NODE_OPTIONS`, as Node reads them); without one, V8's own limit (a share of the machine's memory).
 */
export function heapLimitMb(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): number {
  const flags = [...(nodeOptions?.split(/\s+/) ?? []), ...execArgv];
  const caps = flags.map((flag) => CAP_FLAG.exec(flag)?.[1]).filter((cap) => cap !== undefined);
  const cap = caps.at(-1);
  return cap !== undefined ? Number(cap) : Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
}

/**
 * What to tell the operator when `installations` need more heap than the process has (`limitMb`): the flag to start
 * it with, or undefined when there is room.
 */
export function heapAdvice(
  installations: number,
  limitMb: number,
): { installations: number; heapLimitMb: number; startWith: string } | undefined {
  const needed = heapNeededMb(installations);
  if (limitMb >= needed) return undefined;
  return { installations, heapLimitMb: limitMb, startWith: `--max-old-space-size=${needed}` };
}

/**
 * Tells the log when the installations served outgrow the heap (each time the flag to start with changes): at start,
 * and as workspaces install the app.
 */
export function heapWatch(
  logger: { warn(obj: object, msg: string): void },
  limitMb: () => number = heapLimitMb,
) {
  let told: string | undefined;
  return (installations: number): void => {
    const advice = heapAdvice(installations, limitMb());
    if (!advice || advice.startWith === told) return;
    told = advice.startWith;
    logger.warn(
      advice,
      'the heap is too small for the installations served: the garbage collector will take the CPU requests need; start node with the flag given (docs/scaling.md)',
    );
  };
}
