// Choosing what of a pg_dump archive restore may touch, from its table of contents: Visor's tables and what
// depends on them alone. Listing lines as `pg_restore --list --verbose` prints them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGrants, parseToc, planRestore } from "../../../scripts/ops/pg-archive";

const LISTING = `;
; Archive created at 2026-12-01 22:31:04 UTC
3346; 0 0 ENCODING - ENCODING
3349; 1262 16386 DATABASE - visor visor
5; 2615 2200 SCHEMA - public pg_database_owner
214; 1259 16387 TABLE public schedules visor
;	depends on: 5
215; 1259 16390 TABLE public scheduler_locks visor
;	depends on: 5
216; 1259 16395 TABLE public app_audit visor
;	depends on: 5
3350; 0 0 ACL public TABLE schedules visor
;	depends on: 214
3343; 0 16387 TABLE DATA public schedules visor
;	depends on: 214
3344; 0 16390 TABLE DATA public scheduler_locks visor
;	depends on: 215
3345; 0 16395 TABLE DATA public app_audit visor
;	depends on: 216
3200; 2606 16393 CONSTRAINT public schedules schedules_pkey visor
;	depends on: 214
3198; 1259 16394 INDEX public schedules_status_index visor
;	depends on: 214
3201; 2606 16399 FK CONSTRAINT public app_audit app_audit_schedule_fkey visor
;	depends on: 216 3200
`;

test("restore plans Visor's tables and what depends on them alone; another table and its foreign key stay out", () => {
  const plan = planRestore(parseToc(LISTING), "x.dump");
  assert.equal(plan.schema, "public");
  assert.deepEqual(plan.tables, ["schedules", "scheduler_locks"]);
  assert.deepEqual(
    plan.entries.map((e) => e.id),
    [214, 215, 3343, 3344, 3200, 3198],
  );
  assert.deepEqual(plan.leftOut, ["public.app_audit"]);
  assert.deepEqual(
    plan.acl.map((e) => e.id),
    [3350],
  );
  assert.equal(plan.entries.find((e) => e.id === 3343)!.desc, "TABLE DATA");
  assert.throws(() => planRestore(parseToc(LISTING), "x.dump", "visor"), /schema\(s\) public, not in visor/);
  assert.throws(
    () => planRestore(parseToc("216; 1259 1 TABLE public app_audit v\n"), "y.dump"),
    /y\.dump holds none of Visor's tables/,
  );
});

test("grants pg_restore prints for ACL entries are parsed; anything else is ignored", () => {
  const sql = [
    "SET lock_timeout = 0;",
    "REVOKE ALL ON TABLE public.schedules FROM visor;",
    "GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.schedules TO visor_app;",
    'GRANT SELECT ON TABLE public.scheduler_locks TO "Odd ""Role""" WITH GRANT OPTION;',
    "GRANT SELECT ON TABLE public.schedules TO PUBLIC;",
    "GRANT SELECT(id) ON TABLE public.schedules TO col_only;",
    "GRANT SELECT ON TABLE public.schedules TO x; DROP TABLE app_audit;",
  ].join("\n");
  assert.deepEqual(parseGrants(sql), [
    { table: "schedules", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE"], role: "visor_app", withGrantOption: false },
    { table: "scheduler_locks", privileges: ["SELECT"], role: 'Odd "Role"', withGrantOption: true },
    { table: "schedules", privileges: ["SELECT"], role: "PUBLIC", withGrantOption: false },
  ]);
});
