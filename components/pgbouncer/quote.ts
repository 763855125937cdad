/**
 * Quoting for the syntaxes pgbouncer parses, so values with spaces or quotes
 * survive the round trip instead of being split or cut.
 *
 * `[databases]` keys get none: pgbouncer 1.18 reads only `[A-Za-z0-9_.*-]`
 * there and refuses quoted keys (double or single) with a syntax error, so
 * validation restricts database names instead.
 */

/**
 * A value inside a `[databases]` connection string. pgbouncer splits unquoted
 * values at spaces; quoted ones use single quotes with `'` doubled.
 */
export function connstringValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/@%+-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

/** A userlist field: always double-quoted, `"` doubled. */
export function userlistField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
