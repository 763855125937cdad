// The runner: one event, one action, the CLI's JSON back. As a Lambda handler an error becomes Lambda's
// function error (its message redacted); as `node visor-db-runner.cjs < event.json` the result or the
// error is the one line printed, and the exit code says which (0 passed, 1 failed check, 2 error).
import { redactSecrets } from "../redact";
import { hasContainerEvent } from "./container-event";
import { runInContainer, type RunOutcome } from "./container-run";
import { bootstrapAction, dropAction, inspectAction, setupAction, smokeAction } from "./actions";
import {
  eventSecrets,
  parseRunnerEvent,
  resultPassed,
  type RunnerErrorJson,
  type RunnerEvent,
  type RunnerResult,
  type RunnerResults,
} from "./contract";

/** Runs one event's action in this process (the CLI without `--via-lambda` calls this too). */
export async function dispatch<E extends RunnerEvent>(event: E): Promise<RunnerResults[E["action"]]>;
export async function dispatch(event: RunnerEvent): Promise<RunnerResult> {
  switch (event.action) {
    case "setup":
      return setupAction(event.connection, event.options);
    case "bootstrap":
      return bootstrapAction(event.connection, event.options);
    case "smoke":
      return smokeAction(event.connection, event.poolerConnection, event.options);
    case "inspect":
      return inspectAction(event.connection);
    case "drop":
      return dropAction(event.connection);
  }
}

/** The Lambda handler: returns the action's JSON; throws (redacted) when the action could not run. */
export async function handler(event: unknown): Promise<RunnerResult> {
  const secrets = eventSecrets(event);
  try {
    const result = await dispatch(parseRunnerEvent(event));
    // Results never carry a password; this makes sure of it.
    return JSON.parse(redactSecrets(JSON.stringify(result), secrets)) as RunnerResult;
  } catch (err) {
    const e = new Error(redactSecrets(err instanceof Error ? err.message : String(err), secrets));
    e.name = err instanceof Error ? err.name : "Error";
    // No stack: Lambda's error payload would carry it, and it says nothing an operator can act on.
    e.stack = `${e.name}: ${e.message}`;
    throw e;
  }
}

export function errorJson(err: unknown): RunnerErrorJson {
  return { errorType: err instanceof Error ? err.name : "Error", errorMessage: err instanceof Error ? err.message : String(err) };
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** One parsed event's line and exit code: 0 passed, 1 failed check, 2 error. */
export async function runEvent(event: unknown): Promise<RunOutcome> {
  try {
    const result = await handler(event);
    return { line: JSON.stringify(result), code: resultPassed((event as RunnerEvent).action, result) ? 0 : 1 };
  } catch (err) {
    return { line: JSON.stringify(errorJson(err)), code: 2 };
  }
}

/** `node visor-db-runner.cjs < event.json`: prints one JSON line, exits 0 / 1 (failed check) / 2 (error). */
export async function runFromStdin(): Promise<number> {
  // In a container (Cloud Run job, Azure container group) the event is in the environment.
  if (hasContainerEvent()) return runInContainer(runEvent);
  let event: unknown;
  try {
    event = JSON.parse(await readStdin());
  } catch {
    // Never echo the input: it carries passwords.
    process.stdout.write(
      `${JSON.stringify({ errorType: "RunnerEventError", errorMessage: "runner event on stdin is not valid JSON" })}\n`,
    );
    return 2;
  }
  const outcome = await runEvent(event);
  process.stdout.write(`${outcome.line}\n`);
  return outcome.code;
}
