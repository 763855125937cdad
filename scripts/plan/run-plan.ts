// `visor-db plan`: runs a Pulumi program (ours, or a consumer's with --program) under Pulumi's mocks with
// a stack's config file, records every resource it would register (type, name, parent, inputs, which
// inputs are secret) and checks the Visor policies, all without cloud credentials or the Pulumi CLI.
import { isAbsolute, join, relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkPlan, haRequired, type PlannedResource, type RuleViolation } from "../../policy/rules";
import { propertyDependencies } from "./dependencies";
import { mockOutputs } from "./mock-outputs";
import { loadProgram, ownProgram, readProgram } from "./program";
import { redactInput } from "./redaction";
import { readStackConfig } from "./stack-config";

export interface PlanResource {
  type: string;
  name: string;
  parent?: string;
  /** Inputs without their secret values (see redaction.ts). */
  inputs: Record<string, unknown>;
  /** Paths of the inputs left out of `inputs` because they are secret. */
  secretInputs: string[];
}

export interface Plan {
  stack: string;
  resources: PlanResource[];
  violations: RuleViolation[];
}

interface Recorded {
  type: string;
  name: string;
  parent?: string;
  props: Record<string, unknown>;
}

async function settle<T>(o: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const out = pulumi.output(o);
  const value = await new Promise<T>((r) => out.apply((x) => r(x as T)));
  const secret = await (out as unknown as { isSecret: Promise<boolean> }).isSecret;
  return { value, secret };
}

export interface PlanOptions {
  /** A consumer's program: the directory with its Pulumi.yaml. Default: this package's own program. */
  program?: string;
  /** Overrides the program's stackConfigDir. */
  stacksDir?: string;
}

/** Relative to the working directory when inside it (messages then say `stacks/Pulumi.x.yaml`). */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export async function runPlan(stack: string, options: PlanOptions = {}): Promise<Plan> {
  const program = options.program ? readProgram(options.program) : ownProgram();
  const config = readStackConfig(stack, options.stacksDir ?? shortPath(program.stackConfigDir), join(program.dir, "Pulumi.yaml"));
  const recorded: Recorded[] = [];
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: mockOutputs(a) }), call: (a) => a.inputs },
    program.project,
    stack,
    false,
  );
  const { runInPulumiStack } = require("@pulumi/pulumi/runtime/stack") as {
    runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
  };
  // As the engine runs a program: inside the root stack, with a transformation that sees every resource.
  await runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const parent = args.opts.parent as unknown as { __name?: string } | undefined;
      recorded.push({ type: args.type, name: args.name, parent: parent?.__name, props: args.props as Record<string, unknown> });
      return undefined;
    });
    return loadProgram(program.main);
  });
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const resources: PlanResource[] = [];
  const forPolicy: PlannedResource[] = [];
  for (const r of recorded) {
    const inputs: Record<string, unknown> = {};
    const raw: Record<string, unknown> = {};
    const secretInputs: string[] = [];
    for (const [k, v] of Object.entries(r.props)) {
      if (k === "__provider" || v === undefined) continue;
      const { value, secret } = await settle(v);
      if (value === undefined) continue;
      raw[k] = value;
      const shown = redactInput(k, value, secret, secretInputs);
      if (shown !== undefined) inputs[k] = shown;
    }
    resources.push({ type: r.type, name: r.name, parent: r.parent, inputs, secretInputs });
    forPolicy.push({ type: r.type, name: r.name, props: raw, propertyDependencies: await propertyDependencies(r.props) });
  }
  const violations = checkPlan(forPolicy, { requireHa: haRequired(config.values) });
  return { stack, resources, violations };
}
