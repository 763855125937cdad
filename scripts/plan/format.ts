// The plan as a tree table: type, name and the inputs an operator reviews.
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

function summary(r: PlanResource): string {
  return KEY_INPUTS.filter((k) => r.inputs[k] !== undefined)
    .map((k) => `${k}=${typeof r.inputs[k] === "object" ? JSON.stringify(r.inputs[k]) : String(r.inputs[k])}`)
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
