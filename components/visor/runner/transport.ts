// How the dynamic providers and `--via-lambda` reach the runner inside the database's network. One small
// interface per cloud: AWS invokes a Lambda function; Google Cloud and Azure (issue 20) start a job or a
// container with the same event and read the same JSON back.
import { redactSecrets } from "../redact";
import { awsLambdaTransport } from "./aws-lambda";
import { gcpCloudRunTransport } from "./gcp-cloud-run";
import { gcpRunnerTargetProblem } from "./gcp-target";
import { azureContainerGroupTransport, azureRunnerTargetProblem } from "./azure-container-group";
import { RunnerInvokeError, eventSecrets, type RunnerEvent, type RunnerResults, type RunnerTarget } from "./contract";

export { RunnerInvokeError };

export interface RunnerTransport {
  /** `aws:lambda:<function>@<region>`, for messages. */
  readonly description: string;
  /** Runs the event; resolves with the runner's JSON, rejects with a (redacted) RunnerInvokeError. */
  invoke(event: RunnerEvent): Promise<unknown>;
}

export const RUNNER_CLOUDS = ["aws", "gcp", "azure"] as const;

/** One clear message when `runner` is not exactly one known cloud with what it needs. */
export function runnerTargetProblem(target: unknown): string | undefined {
  if (typeof target !== "object" || target === null) return "runner must be an object like { aws: { functionName, region } }";
  const keys = Object.keys(target).filter((k) => (target as Record<string, unknown>)[k] !== undefined);
  if (keys.length !== 1 || !RUNNER_CLOUDS.includes(keys[0] as never))
    return `runner must have exactly one of ${RUNNER_CLOUDS.join(", ")} (got ${JSON.stringify(keys)})`;
  if (keys[0] === "gcp") return gcpRunnerTargetProblem((target as RunnerTarget).gcp);
  if (keys[0] === "azure") return azureRunnerTargetProblem((target as RunnerTarget).azure);
  const aws = (target as RunnerTarget).aws as unknown as Record<string, unknown>;
  if (typeof aws !== "object" || aws === null) return "runner.aws must be an object { functionName, region }";
  if (typeof aws.functionName !== "string" || !/^[A-Za-z0-9_:.-]{1,170}$/.test(aws.functionName))
    return `runner.aws.functionName must be a Lambda function name or ARN (got ${JSON.stringify(aws.functionName)})`;
  if (aws.region !== undefined && (typeof aws.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(aws.region)))
    return `runner.aws.region must be an AWS region such as us-east-1 (got ${JSON.stringify(aws.region)})`;
  if (aws.profile !== undefined && (typeof aws.profile !== "string" || !/^[\w.@+=,-]{1,128}$/.test(aws.profile)))
    return `runner.aws.profile must be a profile name from the AWS config files (got ${JSON.stringify(aws.profile)})`;
  const retry = aws.retry as { attempts?: unknown; delayMs?: unknown } | undefined;
  const int = (v: unknown, min: number, max: number) =>
    v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
  if (retry !== undefined && (!int(retry.attempts, 1, 200) || !int(retry.delayMs, 0, 60_000)))
    return "runner.aws.retry.attempts must be an integer from 1 to 200 and retry.delayMs from 0 to 60000";
  if (!int(aws.timeoutMs, 1000, 3_600_000)) return "runner.aws.timeoutMs must be an integer from 1000 to 3600000";
  return undefined;
}

export function transportFor(target: RunnerTarget): RunnerTransport {
  const problem = runnerTargetProblem(target);
  if (problem) throw new RunnerInvokeError(problem, "transport");
  // The cloud SDKs (optional peer dependencies) are loaded at the first invoke, not here.
  if (target.gcp) return gcpCloudRunTransport(target.gcp);
  if (target.azure) return azureContainerGroupTransport(target.azure);
  return awsLambdaTransport(target.aws!);
}

/** Runs `event` through the runner `target` names; every message redacted with the event's passwords. */
export async function invokeRunner<E extends RunnerEvent>(target: RunnerTarget, event: E): Promise<RunnerResults[E["action"]]> {
  const secrets = eventSecrets(event);
  try {
    const transport = transportFor(target);
    return (await transport.invoke(event)) as RunnerResults[E["action"]];
  } catch (err) {
    const message = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
    throw new RunnerInvokeError(message, err instanceof RunnerInvokeError ? err.kind : "transport");
  }
}
