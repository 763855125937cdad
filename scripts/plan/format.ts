// The plan as a tree table: type, name and the inputs an operator reviews.
import { SECRET_MARKER } from "./redaction";
import type { Plan, PlanResource } from "./run-plan";

const KEY_INPUTS = [
  "engine",
  "engineVersion",
  "instanceClass",
  "databaseVersion",
  "version",
  "tier",
  "sku",
  "multiAz",
  "availabilityType",
  "backupRetentionPeriod",
  "deletionProtection",
  "storageEncrypted",
  "publiclyAccessible",
  "replicateSourceDb",
  "masterInstanceName",
  "createMode",
  "region",
  "location",
  "configurationName",
  "value",
  "family",
  "retainOnDelete",
  "rerunOnEveryUp",
  "connection",
  "poolerConnection",
  "password",
  "level",
];

/** A value as the table shows it: secrets as a bare [secret]; a user string holding that text is quoted. */
function render(v: unknown, path: string, secrets: Set<string>, nested: boolean): string {
  if (secrets.has(path)) return SECRET_MARKER;
  if (typeof v === "string") return nested || v.includes(SECRET_MARKER) ? JSON.stringify(v) : v;
  if (Array.isArray(v)) return `[${v.map((x, i) => render(x, `${path}[${i}]`, secrets, true)).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = new Set(Object.keys(v));
    for (const s of secrets) {
      const rest = s.startsWith(`${path}.`) ? s.slice(path.length + 1) : "";
      if (rest && !/[.[]/.test(rest)) keys.add(rest);
    }
    const parts = [...keys].map(
      (k) => `${JSON.stringify(k)}:${render((v as Record<string, unknown>)[k], `${path}.${k}`, secrets, true)}`,
    );
    return `{${parts.join(",")}}`;
  }
  return String(v);
}

function summary(r: PlanResource): string {
  const secrets = new Set(r.secretInputs ?? []);
  return KEY_INPUTS.filter((k) => r.inputs[k] !== undefined || secrets.has(k))
    .map((k) => `${k}=${render(r.inputs[k], k, secrets, false)}`)
    .join(" ")
    .slice(0, 160);
}

export function formatPlan(plan: Plan): string[] {
  const children = new Map<string | undefined, PlanResource[]>();
  const names = new Set(plan.resources.map((r) => r.name));
  for (const r of plan.resources) {
    const parent = r.parent && names.has(r.parent) ? r.parent : undefined;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(r);
  }
  const lines = [`Plan for stack ${plan.stack}: ${plan.resources.length} resources (offline, under Pulumi mocks)`];
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}${summary(r) ? `  ${summary(r)}` : ""}`);
      walk(r.name, depth + 1);
    }
  };
  walk(undefined, 0);
  lines.push(plan.violations.length ? `${plan.violations.length} policy violation(s):` : "Policies: all passed");
  for (const v of plan.violations) lines.push(`  ✖ [${v.policy}] ${v.message}`);
  return lines;
}
