// `visor-db plan --stack <name> [--program <dir>]`: the offline resource plan of a stack of our program
// or of a consumer's, with the Visor policies applied.
import { parseFlags, UsageError } from "../cli/usage";
import { formatPlan } from "../plan/format";
import { runPlan } from "../plan/run-plan";

export const PLAN_HELP = `visor-db plan --stack <name> [--program <dir>] [--json]

Runs a Pulumi program under Pulumi's mocks with its Pulumi.<name>.yaml and prints every resource it
would create (type, name, key inputs; secrets as [secret]), then the Visor policies.
Exit 1 on a validation error or a policy violation. No cloud credentials or Pulumi CLI needed.
  --program <dir>      your program: the directory with its Pulumi.yaml (name, main, stackConfigDir);
                       TypeScript or JavaScript. Default: this package's own program (stacks/)
  --config-dir <dir>   where the stack files are (default: the program's stackConfigDir)`;

export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("plan", argv, {
    stack: { type: "string" },
    program: { type: "string" },
    "config-dir": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(PLAN_HELP);
    return 0;
  }
  if (!values.stack) throw new UsageError("visor-db plan: --stack is required (the <name> of a Pulumi.<name>.yaml stack file)");
  const plan = await runPlan(values.stack, { program: values.program, stacksDir: values["config-dir"] });
  if (values.json) console.log(JSON.stringify(plan, null, 2));
  else for (const line of formatPlan(plan)) console.log(line);
  return plan.violations.length ? 1 : 0;
}
