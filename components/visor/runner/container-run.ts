// Container mode around the action (a Cloud Run job; an Azure container group): wait for the network
// first, because Direct VPC egress can take a minute or more to connect at start, then print the result
// line (the logs are the fallback) and, on Cloud Run, upload it to the results bucket as
// `$CLOUD_RUN_EXECUTION.json` with the job's own service account token. Plain fetch: no SDK in the bundle.
import { waitForConnection, type RetryOptions } from "../retry";
import { redactSecrets } from "../redact";
import { containerEvent } from "./container-event";
import { passwordsForAction } from "./container-passwords";
import { eventSecrets, RunnerEventError, type RunnerEvent } from "./contract";

/** The bucket the result goes to (set by the job definition); unset = print only. */
export const RESULTS_BUCKET_ENV = "VISOR_RUNNER_RESULTS_BUCKET";
/** How long to retry the first connection, in ms (the GCP job sets 90000); unset = no wait. */
export const CONNECT_RETRY_ENV = "VISOR_RUNNER_CONNECT_RETRY_MS";
/** Set by Cloud Run for every job execution. */
export const EXECUTION_ENV = "CLOUD_RUN_EXECUTION";

type Env = Readonly<Record<string, string | undefined>>;

/** What one event produced: the line to print and the exit code (0 passed, 1 failed check, 2 error). */
export interface RunOutcome {
  line: string;
  code: number;
}

/** The connect retry the environment asks for; one clear error when it is not a number in range. */
export function connectRetryFromEnv(env: Env = process.env): RetryOptions | undefined {
  const text = env[CONNECT_RETRY_ENV];
  if (text === undefined || text === "") return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > 900_000)
    throw new RunnerEventError(`${CONNECT_RETRY_ENV} must be an integer from 0 to 900000 ms (got ${JSON.stringify(text)})`);
  return ms === 0 ? undefined : { timeoutMs: ms, initialDelayMs: 1000, maxDelayMs: 10_000 };
}

const errorLine = (err: unknown, secrets: string[]) =>
  JSON.stringify({
    errorType: err instanceof Error ? err.name : "Error",
    errorMessage: redactSecrets(err instanceof Error ? err.message : String(err), secrets),
  });

function baseUrl(value: string | undefined, fallback: string): string {
  if (!value) return fallback;
  return (/^https?:\/\//.test(value) ? value : `http://${value}`).replace(/\/+$/, "");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The job's service account token from the metadata server (GCE_METADATA_HOST as Google's libraries use it). */
async function metadataToken(env: Env): Promise<string> {
  const host = baseUrl(env.GCE_METADATA_HOST, "http://metadata.google.internal");
  const res = await fetch(`${host}/computeMetadata/v1/instance/service-accounts/default/token`, {
    headers: { "metadata-flavor": "Google" },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the metadata server answered HTTP ${res.status} for a token`);
  const token = ((await res.json()) as { access_token?: string }).access_token;
  if (!token) throw new Error("the metadata server gave no access token");
  return token;
}

/**
 * Uploads the line as gs://bucket/{execution}.json (Cloud Storage JSON API, simple upload). Retries a
 * 403 for about a minute: the job's objectCreator binding may still be propagating on a first run.
 */
export async function uploadResult(line: string, bucket: string, execution: string, env: Env = process.env): Promise<void> {
  const storage = baseUrl(env.STORAGE_EMULATOR_HOST, "https://storage.googleapis.com");
  const url = `${storage}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(`${execution}.json`)}`;
  for (let attempt = 1; ; attempt++) {
    const token = await metadataToken(env);
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: line,
      signal: AbortSignal.timeout(30_000),
    });
    if (res.ok) return;
    const retryable = res.status === 403 || res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= 12) throw new Error(`uploading the result to gs://${bucket} answered HTTP ${res.status}`);
    await sleep(5000);
  }
}

/**
 * Runs the event from the environment: waits for the writer when asked, runs it, prints the one line,
 * and uploads it when a results bucket is set. A failed upload makes the run fail (exit 2); the line is
 * still in the logs.
 */
export async function runInContainer(run: (event: unknown) => Promise<RunOutcome>, env: Env = process.env): Promise<number> {
  let secrets: string[] = [];
  let outcome: RunOutcome;
  try {
    const retry = connectRetryFromEnv(env);
    const event = containerEvent(passwordsForAction(env));
    secrets = eventSecrets(event);
    const connection = (event as Partial<RunnerEvent>).connection;
    if (retry && connection) await waitForConnection(connection, retry);
    outcome = await run(event);
  } catch (err) {
    outcome = { line: errorLine(err, secrets), code: 2 };
  }
  process.stdout.write(`${outcome.line}\n`);
  const bucket = env[RESULTS_BUCKET_ENV];
  if (!bucket) return outcome.code;
  const execution = env[EXECUTION_ENV];
  if (!execution) {
    process.stderr.write(`${RESULTS_BUCKET_ENV} is set but ${EXECUTION_ENV} is not: the result is only in the logs\n`);
    return 2;
  }
  try {
    await uploadResult(outcome.line, bucket, execution, env);
  } catch (err) {
    process.stderr.write(`${redactSecrets(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return 2;
  }
  return outcome.code;
}
