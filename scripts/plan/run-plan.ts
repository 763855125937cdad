// `visor-db plan`: runs a Pulumi program (ours, or a consumer's with --program) under Pulumi's mocks with
// a stack's config file, records every resource it would register (type, name, parent, inputs, which
// inputs are secret) and checks the Visor policies, all without cloud credentials or the Pulumi CLI.
import { isAbsolute, relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkPlan, type RuleViolation } from "../../policy/rules";
import { mockOutputs } from "./mock-outputs";
import { loadProgram, ownProgram, readProgram } from "./program";
import { SECRET_PLACEHOLDER, readStackConfig } from "./stack-config";

export interface PlanResource {
  type: string;
  name: string;
  parent?: string;
  /** Inputs with secrets shown as "[secret]". */
  inputs: Record<string, unknown>;
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

const SECRETISH = /^(SCRAM-SHA-256\$|md5[0-9a-f]{32}$)/;

/** Shows secret values (and anything derived from one) as "[secret]". */
function redact(v: unknown): unknown {
  if (typeof v === "string") return v.includes(SECRET_PLACEHOLDER) || SECRETISH.test(v) ? SECRET_PLACEHOLDER : v;
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  return v;
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
  const config = readStackConfig(stack, options.stacksDir ?? shortPath(program.stackConfigDir));
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
  const forPolicy: { type: string; name: string; props: Record<string, unknown> }[] = [];
  for (const r of recorded) {
    const inputs: Record<string, unknown> = {};
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.props)) {
      if (k === "__provider" || v === undefined) continue;
      const { value, secret } = await settle(v);
      if (value === undefined) continue;
      raw[k] = value;
      inputs[k] = secret ? SECRET_PLACEHOLDER : redact(value);
    }
    resources.push({ type: r.type, name: r.name, parent: r.parent, inputs });
    forPolicy.push({ type: r.type, name: r.name, props: raw });
  }
  const violations = checkPlan(forPolicy, { requireHa: /prod/.test(stack) });
  return { stack, resources, violations };
}
