// RDS's backup and maintenance windows and AWS Backup's schedules as data (intervals in minutes of the
// UTC week), so their rules are checked at preview: each window at least 30 minutes, the two windows
// apart, and no AWS Backup start window in the hour before or during either window (such jobs fail) or
// overlapping another rule's (AWS Backup then keeps only one of them).
import type { Validator } from "../shared/validation";

const DAY = 1440;
const WEEK = 7 * DAY;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const WEEK_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;
/** AWS Backup's start window for each rule (minutes): part of what counts as an overlap. */
export const BACKUP_START_WINDOW_MINUTES = 60;
/** AWS Backup starts no RDS backup in this many minutes before a maintenance or backup window. */
export const NO_START_BEFORE_WINDOW_MINUTES = 60;

/** A span of the UTC week: start minute (0 = Sunday 00:00) and length. */
export interface Span {
  start: number;
  minutes: number;
}

const hm = (h: string, m: string) => Number(h) * 60 + Number(m);

/** "03:00-03:30" → its length in minutes (crossing midnight allowed). */
export function dailyWindow(w: string): { start: number; minutes: number } | undefined {
  const m = WINDOW.exec(w);
  if (!m) return undefined;
  const start = hm(m[1]!, m[2]!);
  return { start, minutes: (hm(m[3]!, m[4]!) - start + DAY) % DAY };
}

/** "sun:07:00-sun:08:00" → a span of the week. */
export function weeklyWindow(w: string): Span | undefined {
  const m = WEEK_WINDOW.exec(w);
  if (!m) return undefined;
  const at = (d: string, h: string, mm: string) => DAYS.indexOf(d as (typeof DAYS)[number]) * DAY + hm(h, mm);
  const start = at(m[1]!, m[2]!, m[3]!);
  return { start, minutes: (at(m[4]!, m[5]!, m[6]!) - start + WEEK) % WEEK };
}

/** A daily window as seven spans of the week. */
export function everyDay(w: { start: number; minutes: number }): Span[] {
  return DAYS.map((_, d) => ({ start: d * DAY + w.start, minutes: w.minutes }));
}

/** Whether two spans of the (circular) week share a minute. */
export function overlaps(a: Span, b: Span): boolean {
  const d = (((b.start - a.start) % WEEK) + WEEK) % WEEK;
  return d < a.minutes || WEEK - d < b.minutes;
}

const CRON_DAYS: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

function cronDay(token: string): number | undefined {
  if (/^[1-7]$/.test(token)) return Number(token) - 1;
  return CRON_DAYS[token.toUpperCase()];
}

/**
 * The start minutes of the week of an AWS Backup cron with a fixed minute and hour(s) ("cron(0 5 ? * SUN *)",
 * "cron(30 2,14 ? * MON-FRI *)"). A day-of-month schedule is taken as possibly any weekday. Undefined for
 * forms this cannot place in the week (minute or hour steps and ranges).
 */
export function cronStarts(cron: string): number[] | undefined {
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(cron);
  if (!m) return undefined;
  const [, minute, hours, , , dow] = m as unknown as [string, string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || Number(minute) > 59) return undefined;
  if (!/^\d{1,2}(,\d{1,2})*$/.test(hours) || hours.split(",").some((h) => Number(h) > 23)) return undefined;
  let days: number[] = [];
  if (dow === "*" || dow === "?") days = [0, 1, 2, 3, 4, 5, 6];
  else {
    for (const part of dow.split(",")) {
      const [from, to] = part.split("-").map(cronDay);
      if (from === undefined || (part.includes("-") && to === undefined)) return undefined;
      for (let d = from; ; d = (d + 1) % 7) {
        days.push(d);
        if (to === undefined || d === to) break;
      }
    }
  }
  return days.flatMap((d) => hours.split(",").map((h) => d * DAY + Number(h) * 60 + Number(minute)));
}

/** A schedule's start windows as spans. */
export function startSpans(starts: readonly number[]): Span[] {
  return starts.map((start) => ({ start, minutes: BACKUP_START_WINDOW_MINUTES }));
}

/** `span` widened to include the hour before it: where AWS Backup may not start an RDS backup. */
export function noStartZone(span: Span): Span {
  return {
    start: (span.start - NO_START_BEFORE_WINDOW_MINUTES + WEEK) % WEEK,
    minutes: span.minutes + NO_START_BEFORE_WINDOW_MINUTES,
  };
}

/** "sun 06:00" for messages. */
export function describeMinute(minute: number): string {
  const day = DAYS[Math.floor(minute / DAY) % 7]!;
  const t = minute % DAY;
  return `${day} ${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
}

/** Refuses a schedule whose start window meets one of `zones` (each with a reason). */
export function requireClear(
  check: Validator,
  field: string,
  schedule: string,
  starts: readonly number[],
  zones: readonly { span: Span; what: string }[],
): void {
  for (const s of startSpans(starts)) {
    const hit = zones.find((z) => overlaps(s, z.span));
    if (hit)
      check.fail(
        field,
        `a schedule whose ${BACKUP_START_WINDOW_MINUTES}-minute start window stays clear of ${hit.what} (it starts ${describeMinute(s.start)} UTC)`,
        schedule,
      );
  }
}
