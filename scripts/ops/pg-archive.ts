// What of a pg_dump archive restore may touch: only Visor's tables and the objects that belong to them alone
// (indexes, constraints, data, comments, statistics), chosen from the archive's table of contents
// (`pg_restore --list --verbose`, which prints each entry's dependencies). Everything else in the archive
// (another application's tables, schemas, extensions, database settings) is left out, so `--clean` can
// only ever drop Visor's objects. Grants are not restored as such (the roles may not exist on the target);
// they are read from the archive and re-applied where the role exists.
import type { Knex } from "knex";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { OpsError } from "./errors";

export interface TocEntry {
  id: number;
  /** The entry's line as pg_restore printed it (what a --use-list file holds). */
  line: string;
  /** `TABLE`, `TABLE DATA`, `INDEX`, `CONSTRAINT`, `ACL`, … */
  desc: string;
  namespace: string;
  /** The rest of the line: name (and owner). */
  rest: string;
  dependsOn: number[];
}

const DESCS = [
  "TABLE DATA",
  "FK CONSTRAINT",
  "CONSTRAINT",
  "INDEX ATTACH",
  "INDEX",
  "SEQUENCE OWNED BY",
  "SEQUENCE SET",
  "SEQUENCE",
  "STATISTICS DATA",
  "DEFAULT ACL",
  "DEFAULT",
  "TABLE",
  "ACL",
  "COMMENT",
  "TRIGGER",
];

/** Parses `pg_restore --list --verbose` output. Entries of a kind we do not name keep `desc` = first word. */
export function parseToc(listing: string): TocEntry[] {
  const entries: TocEntry[] = [];
  for (const raw of listing.split("\n")) {
    const dep = /^;\s*depends on:\s*([\d ]+)$/.exec(raw);
    if (dep && entries.length) {
      entries.at(-1)!.dependsOn.push(...dep[1]!.trim().split(/\s+/).map(Number));
      continue;
    }
    const m = /^(\d+); \d+ \d+ (.*)$/.exec(raw);
    if (!m) continue;
    const body = m[2]!;
    const desc = DESCS.find((d) => body.startsWith(`${d} `)) ?? body.split(" ")[0]!;
    const [namespace = "-", ...rest] = body.slice(desc.length + 1).split(" ");
    entries.push({ id: Number(m[1]), line: raw, desc, namespace, rest: rest.join(" "), dependsOn: [] });
  }
  return entries;
}

export interface RestorePlan {
  /** The schema Visor's tables are restored into (as in the source). */
  schema: string;
  tables: string[];
  /** The --use-list lines, in archive order. */
  entries: TocEntry[];
  /** ACL entries of Visor's tables (re-applied by `reapplyGrants`). */
  acl: TocEntry[];
  /** Tables in the archive restore leaves alone, `schema.name`. */
  leftOut: string[];
}

/** Visor's tables (in `schema`, or the one schema the archive holds them in) and what depends on them alone. */
export function planRestore(toc: TocEntry[], file: string, schema?: string): RestorePlan {
  const visorTables = toc.filter((e) => e.desc === "TABLE" && VISOR_TABLE_NAMES.includes(e.rest.split(" ")[0]!));
  const schemas = [...new Set(visorTables.map((e) => e.namespace))];
  if (!visorTables.length) throw new OpsError(`${file} holds none of Visor's tables (${VISOR_TABLE_NAMES.join(", ")})`);
  const chosen = schema ?? (schemas.length === 1 ? schemas[0]! : undefined);
  if (!chosen || !schemas.includes(chosen)) {
    throw new OpsError(
      `${file} holds Visor's tables in schema(s) ${schemas.join(", ")}${schema ? `, not in ${schema}` : ""}: cannot tell which to restore`,
    );
  }
  const seeds = visorTables.filter((e) => e.namespace === chosen);
  const kept = new Set(seeds.map((e) => e.id));
  // An entry belongs to Visor's tables when everything it depends on does: an index, a constraint, the data.
  // A foreign key from another table to `schedules` depends on that table too, so it stays out.
  for (let changed = true; changed;) {
    changed = false;
    for (const e of toc) {
      if (kept.has(e.id) || e.desc === "ACL" || !e.dependsOn.length) continue;
      if (e.dependsOn.every((d) => kept.has(d))) {
        kept.add(e.id);
        changed = true;
      }
    }
  }
  const seedIds = new Set(seeds.map((e) => e.id));
  return {
    schema: chosen,
    tables: VISOR_TABLE_NAMES.filter((name) => seeds.some((e) => e.rest.split(" ")[0] === name)),
    entries: toc.filter((e) => kept.has(e.id)),
    acl: toc.filter((e) => e.desc === "ACL" && e.dependsOn.length > 0 && e.dependsOn.every((d) => seedIds.has(d))),
    leftOut: toc.filter((e) => e.desc === "TABLE" && !kept.has(e.id)).map((e) => `${e.namespace}.${e.rest.split(" ")[0]}`),
  };
}

export function useList(entries: TocEntry[]): string {
  return entries.map((e) => e.line).join("\n") + "\n";
}

const PRIVILEGE = /^(ALL|SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER|MAINTAIN)$/;

export interface Grant {
  table: string;
  privileges: string[];
  role: string;
  withGrantOption: boolean;
}

const unquote = (ident: string) => (ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident);

/** The table-level GRANTs in the SQL pg_restore prints for ACL entries (REVOKEs only undo defaults: not needed on new tables). */
export function parseGrants(sql: string): Grant[] {
  const out: Grant[] = [];
  for (const line of sql.split("\n")) {
    const m =
      /^GRANT ([A-Z,]+) ON TABLE (?:"?[^".]+"?\.)?("(?:[^"]|"")+"|\w+) TO ("(?:[^"]|"")+"|\w+)( WITH GRANT OPTION)?;$/.exec(
        line.trim(),
      );
    if (!m) continue;
    const privileges = m[1]!.split(",");
    if (!privileges.every((p) => PRIVILEGE.test(p))) continue;
    out.push({ table: unquote(m[2]!), privileges, role: unquote(m[3]!), withGrantOption: Boolean(m[4]) });
  }
  return out;
}

export interface GrantOutcome {
  applied: string[];
  /** Roles that do not exist on the target (or grants it refused), with why. */
  skipped: string[];
}

const describe = (g: Grant) => `${g.privileges.join(", ")} on ${g.table} to ${g.role}`;

/** Re-applies each grant whose role exists on the target; the others are reported, never an error. */
export async function reapplyGrants(db: Knex, schema: string, grants: Grant[]): Promise<GrantOutcome> {
  const outcome: GrantOutcome = { applied: [], skipped: [] };
  for (const g of grants) {
    if (g.role !== "PUBLIC") {
      const { rows } = (await db.raw("SELECT 1 FROM pg_roles WHERE rolname = ?", [g.role])) as { rows: unknown[] };
      if (!rows.length) {
        outcome.skipped.push(`${describe(g)} (role ${g.role} does not exist here)`);
        continue;
      }
    }
    const role = g.role === "PUBLIC" ? "PUBLIC" : "??";
    try {
      await db.raw(
        `GRANT ${g.privileges.join(", ")} ON TABLE ??.?? TO ${role}${g.withGrantOption ? " WITH GRANT OPTION" : ""}`,
        g.role === "PUBLIC" ? [schema, g.table] : [schema, g.table, g.role],
      );
      outcome.applied.push(describe(g));
    } catch (err) {
      outcome.skipped.push(`${describe(g)} (${(err as Error).message.split(" - ").at(-1)})`);
    }
  }
  return outcome;
}
