// The Visor policy pack: `pulumi preview --policy-pack policy`. The rules themselves live in rules.ts and
// are shared with the offline `visor-db plan`.
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { VISOR_RULES, type PlannedResource } from "./rules";

const configSchema = {
  properties: { requireHa: { type: "boolean" as const, default: true } },
};

const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = VISOR_RULES.flatMap((rule) => {
  const out: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
  if (rule.resource) {
    out.push({
      name: rule.name,
      description: rule.description,
      enforcementLevel: "mandatory",
      configSchema,
      validateResource: (args, report) => {
        const ctx = args.getConfig<{ requireHa: boolean }>();
        for (const m of rule.resource!({ type: args.type, name: args.name, props: args.props }, ctx)) report(m);
      },
    });
  }
  if (rule.stack) {
    out.push({
      name: `${rule.name}${rule.resource ? "-stack" : ""}`,
      description: rule.description,
      enforcementLevel: "mandatory",
      configSchema,
      validateStack: (args, report) => {
        const resources: PlannedResource[] = args.resources.map((r) => ({ type: r.type, name: r.name, props: r.props }));
        for (const m of rule.stack!(resources, args.getConfig<{ requireHa: boolean }>())) report(m);
      },
    });
  }
  return out;
});

new PolicyPack("visor-db", { policies });
