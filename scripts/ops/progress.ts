// Progress lines for long work. They go to stderr, so stdout stays the result (and valid JSON with --json).
import { redactSecrets } from "../../components/visor/redact";

export type Progress = (line: string) => void;

/** `visor-db <command>: <line>` on stderr, passwords redacted; `silent` for library callers and tests. */
export function progressTo(command: string, secrets: (string | undefined)[] = [], silent = false): Progress {
  if (silent) return () => undefined;
  return (line) => process.stderr.write(`visor-db ${command}: ${redactSecrets(line, secrets)}\n`);
}

/** Calls `report` at most once per `everyMs` while `total` items are worked through. */
export function throttled(report: Progress, label: string, total: number, everyMs = 1000): (done: number) => void {
  let last = 0;
  return (done) => {
    const now = Date.now();
    if (done < total && now - last < everyMs) return;
    last = now;
    report(`${label}: ${done}/${total} (${total ? Math.floor((done * 100) / total) : 100}%)`);
  };
}

export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
