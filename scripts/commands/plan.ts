// `visor-db plan --stack <name>`: the offline resource plan of a stack, with the Visor policies applied.
import { parseFlags, UsageError } from "../cli/usage";
import { formatPlan } from "../plan/format";
import { runPlan } from "../plan/run-plan";

export const PLAN_HELP = `visor-db plan --stack <name> [--json]

Runs the Pulumi program (stacks/index.ts) under Pulumi's mocks with stacks/Pulumi.<name>.yaml and prints
every resource it would create (type, name, key inputs; secrets as [secret]), then the Visor policies.
Exit 1 on a validation error or a policy violation. No cloud credentials or Pulumi CLI needed.
  --config-dir <dir>   where the stack files are (default: stacks)`;

export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("plan", argv, {
    stack: { type: "string" },
    "config-dir": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(PLAN_HELP);
    return 0;
  }
  if (!values.stack) throw new UsageError("visor-db plan: --stack is required (a stacks/Pulumi.<stack>.yaml file)");
  const plan = await runPlan(values.stack, { stacksDir: values["config-dir"] });
  if (values.json) console.log(JSON.stringify(plan, null, 2));
  else for (const line of formatPlan(plan)) console.log(line);
  return plan.violations.length ? 1 : 0;
}
