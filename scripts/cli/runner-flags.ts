// `--via-lambda <name>` on setup/bootstrap/smoke/inspect: the same action, run by the runner function
// inside the database's network instead of from this machine. AWS credentials and region come from the
// environment or profile, as for the AWS CLI; --region overrides the region.
import { dispatch } from "../../components/visor/runner/handler";
import type { RunnerEvent, RunnerResults } from "../../components/visor/runner/contract";
import { invokeRunner, runnerTargetProblem } from "../../components/visor/runner/transport";
import { UsageError } from "./usage";

export const RUNNER_FLAGS = {
  "via-lambda": { type: "string" },
  region: { type: "string" },
} as const;

export const RUNNER_HELP = `  --via-lambda <name>  run it in the runner Lambda function inside the database's network (the
               component's runnerFunctionName output); the database URL is as seen from there
  --region     the function's region (default: AWS_REGION or the profile's)`;

/** Runs the action here, or through the runner when --via-lambda names one. */
export async function perform<E extends RunnerEvent>(
  command: string,
  values: { "via-lambda"?: string; region?: string },
  event: E,
): Promise<RunnerResults[E["action"]]> {
  const functionName = values["via-lambda"];
  if (functionName === undefined) {
    if (values.region !== undefined) throw new UsageError(`visor-db ${command}: --region is only for --via-lambda`);
    return dispatch(event);
  }
  const target = { aws: { functionName, ...(values.region !== undefined ? { region: values.region } : {}) } };
  const problem = runnerTargetProblem(target);
  if (problem)
    throw new UsageError(
      `visor-db ${command}: ${problem.replace("runner.aws.functionName", "--via-lambda").replace("runner.aws.region", "--region")}`,
    );
  return invokeRunner(target, event);
}
