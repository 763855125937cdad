// The Visor policy pack: `pulumi preview --policy-pack policy`. The rules themselves live in rules.ts and
// are shared with the offline `visor-db plan`, and so is whether HA is required (ha-required.ts): the
// engine gives a policy pack the stack's config in PULUMI_CONFIG, the plan reads the stack file.
import { PolicyPack, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { haRequiredFromEnv } from "./ha-required";
import { VISOR_RULES, type PlannedResource, type RuleContext } from "./rules";

const context = (): RuleContext => ({ requireHa: haRequiredFromEnv() });

/** A stack's resource as the rules see it: URNs as refs, each property's dependencies by URN. */
function planned(r: PolicyResource): PlannedResource {
  const propertyDependencies = Object.fromEntries(
    Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
  );
  return { type: r.type, name: r.name, props: r.props, ref: r.urn, propertyDependencies };
}

const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = VISOR_RULES.flatMap((rule) => {
  const out: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
  if (rule.resource) {
    out.push({
      name: rule.name,
      description: rule.description,
      enforcementLevel: "mandatory",
      validateResource: (args, report) => {
        const r = { type: args.type, name: args.name, props: args.props, ref: args.urn };
        for (const m of rule.resource!(r, context())) report(m);
      },
    });
  }
  if (rule.stack) {
    out.push({
      name: `${rule.name}${rule.resource ? "-stack" : ""}`,
      description: rule.description,
      enforcementLevel: "mandatory",
      validateStack: (args, report) => {
        for (const m of rule.stack!(args.resources.map(planned), context())) report(m);
      },
    });
  }
  return out;
});

new PolicyPack("visor-db", { policies });
