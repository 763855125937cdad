// The Google Cloud transport: run the runner's Cloud Run job once with a per-run override carrying the
// event (no passwords: the job's own env fills them from Secret Manager), wait for the long-running
// operation, then read the one-line JSON result the job wrote to the results bucket. Cloud Run Admin API
// v2 `jobs.run` and `operations.get`, and the Cloud Storage JSON API, over plain fetch with an access
// token from Application Default Credentials (google-auth-library, loaded at the first invoke).
import { withoutPasswords } from "./container-event";
import { RunnerInvokeError, type RunnerErrorJson, type RunnerEvent } from "./contract";
import { EVENT_ENV } from "./container-event";
import type { GcpRunnerTarget } from "./gcp-target";
import type { RunnerTransport } from "./transport";
import { loadOptionalPeer } from "./optional-peer";

export type { GcpRunnerTarget };

/** Cloud Run's limit for one literal environment value (EnvVar.value, k8s.min.proto). */
export const CLOUD_RUN_ENV_VALUE_BYTES = 32 * 1024;
const DEFAULT_ATTEMPTS = 36;
const DEFAULT_DELAY_MS = 5000;
const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_POLL_MS = 2000;
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

interface Condition {
  type?: string;
  state?: string;
  message?: string;
  reason?: string;
}
/** The fields of google.cloud.run.v2.Execution we read. */
interface Execution {
  name?: string;
  succeededCount?: number;
  failedCount?: number;
  cancelledCount?: number;
  conditions?: Condition[];
  logUri?: string;
}
/** google.longrunning.Operation as JSON. */
interface Operation {
  name?: string;
  done?: boolean;
  metadata?: Execution;
  response?: Execution;
  error?: { code?: number; message?: string };
}

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(message);
  }
}

type TokenSource = () => Promise<string>;

async function adcTokenSource(): Promise<TokenSource> {
  const lib = await loadOptionalPeer("runner.gcp", ["google-auth-library"], () => import("google-auth-library"));
  const auth = new lib.GoogleAuth({ scopes: [SCOPE] });
  return async () => {
    const token = await auth.getAccessToken().catch((err: unknown) => {
      throw new RunnerInvokeError(
        `no Google Cloud credentials for the runner (Application Default Credentials): ${err instanceof Error ? err.message : String(err)}`,
        "transport",
      );
    });
    if (!token) throw new RunnerInvokeError("Application Default Credentials gave no access token", "transport");
    return token;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shortName = (name: string) => name.slice(name.lastIndexOf("/") + 1);

function isErrorJson(value: unknown): value is RunnerErrorJson {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === "errorMessage" && keys[1] === "errorType";
}

function failureOf(op: Operation, execution: Execution): string | undefined {
  if (op.error) return op.error.message ?? `operation error ${op.error.code}`;
  const failed = execution.conditions?.find((c) => c.state === "CONDITION_FAILED");
  if (failed) return failed.message ?? failed.reason ?? `${failed.type} failed`;
  if ((execution.failedCount ?? 0) > 0) return `${execution.failedCount} task(s) failed`;
  if ((execution.cancelledCount ?? 0) > 0) return "the execution was cancelled";
  return undefined;
}

class GcpCloudRunTransport implements RunnerTransport {
  readonly description: string;
  private readonly run: string;
  private readonly storage: string;
  private token?: Promise<TokenSource>;

  constructor(private readonly target: GcpRunnerTarget) {
    this.description = `gcp:run:${target.project}/${target.region}/${target.job}`;
    this.run = (target.endpoint ?? "https://run.googleapis.com").replace(/\/+$/, "");
    this.storage = (target.storageEndpoint ?? "https://storage.googleapis.com").replace(/\/+$/, "");
  }

  /** One API call; a non-2xx answer becomes an ApiError with Google's status and message. */
  private async call(method: "GET" | "POST", url: string, deadline: number, body?: unknown): Promise<Response> {
    this.token ??= adcTokenSource();
    const token = await (await this.token)();
    const remaining = Math.max(1, deadline - Date.now());
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(Math.min(remaining, 60_000)),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === "TimeoutError" && Date.now() >= deadline) throw this.timedOut();
      throw new RunnerInvokeError(
        `${this.description}: ${method} ${new URL(url).pathname} failed: ${e.cause?.code ?? e.message}`,
        "transport",
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    let status = "";
    let message = `HTTP ${res.status}`;
    try {
      const e = (JSON.parse(text) as { error?: { status?: string; message?: string } }).error;
      status = e?.status ?? "";
      message = `${res.status} ${status}: ${e?.message ?? ""}`.trim();
    } catch {
      /* not Google's error JSON: the status is all we say */
    }
    throw new ApiError(message, res.status, status);
  }

  private timedOut(): RunnerInvokeError {
    const s = Math.round((this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
    return new RunnerInvokeError(
      `${this.description} did not finish within ${s} s (the execution keeps running until the job's own timeout)`,
      "transport",
    );
  }

  /** Retries 403 while the deployer's or the job's IAM bindings propagate; bounded like the AWS transport. */
  private async settled<T>(what: string, work: () => Promise<T>): Promise<T> {
    const attempts = this.target.retry?.attempts ?? DEFAULT_ATTEMPTS;
    const delayMs = this.target.retry?.delayMs ?? DEFAULT_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const settling = err.status === 403;
        if (settling && attempt < attempts) {
          await sleep(delayMs);
          continue;
        }
        const after = settling ? ` (still after ${attempts} attempts, ${Math.round(((attempts - 1) * delayMs) / 1000)} s)` : "";
        throw new RunnerInvokeError(`${this.description} could not ${what}${after}: ${err.message}`, "transport");
      }
    }
  }

  /** The result the job wrote, or undefined when there is none. */
  private async result(execution: string, deadline: number): Promise<unknown> {
    const object = `${execution}.json`;
    const url = `${this.storage}/storage/v1/b/${encodeURIComponent(this.target.resultsBucket)}/o/${encodeURIComponent(object)}?alt=media`;
    const text = await this.settled(`read gs://${this.target.resultsBucket}/${object}`, async () => {
      try {
        return await (await this.call("GET", url, deadline)).text();
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }
    });
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      // Say how long it was, never what it said.
      throw new RunnerInvokeError(
        `gs://${this.target.resultsBucket}/${object} holds ${text.length} characters that are not JSON`,
        "transport",
      );
    }
  }

  async invoke(event: RunnerEvent): Promise<unknown> {
    const value = JSON.stringify(withoutPasswords(event));
    const bytes = Buffer.byteLength(value);
    if (bytes > CLOUD_RUN_ENV_VALUE_BYTES)
      throw new RunnerInvokeError(
        `the runner event is ${bytes} bytes, over Cloud Run's ${CLOUD_RUN_ENV_VALUE_BYTES}-byte limit for one environment value (${EVENT_ENV})`,
        "transport",
      );
    const { project, region, job } = this.target;
    const jobPath = `projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(region)}/jobs/${encodeURIComponent(job)}`;
    const body = { overrides: { containerOverrides: [{ env: [{ name: EVENT_ENV, value }] }] } };
    const deadline = Date.now() + (this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let op = await this.settled(
      "run the job",
      async () => (await this.call("POST", `${this.run}/v2/${jobPath}:run`, deadline, body)).json() as Promise<Operation>,
    );
    const opName = op.name;
    if (!opName) throw new RunnerInvokeError(`${this.description}: jobs.run answered without an operation name`, "transport");
    const pollMs = this.target.pollMs ?? DEFAULT_POLL_MS;
    while (!op.done) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw this.timedOut();
      await sleep(Math.min(pollMs, remaining));
      op = await this.settled(
        "follow the execution",
        async () => (await this.call("GET", `${this.run}/v2/${opName}`, deadline)).json() as Promise<Operation>,
      );
    }
    const execution: Execution = { ...op.metadata, ...op.response };
    if (!execution.name)
      throw new RunnerInvokeError(`${this.description}: the operation ${opName} names no execution`, "transport");
    const executionId = shortName(execution.name);
    const result = await this.result(executionId, Math.max(deadline, Date.now() + 60_000));
    if (isErrorJson(result))
      throw new RunnerInvokeError(
        `the runner (${this.description}, ${executionId}) failed: ${result.errorType}: ${result.errorMessage}`,
        "function",
      );
    if (result !== undefined) return result;
    const where = `no result in gs://${this.target.resultsBucket}/${executionId}.json; see the execution's logs${execution.logUri ? ` at ${execution.logUri}` : ""}`;
    const failure = failureOf(op, execution);
    if (failure)
      throw new RunnerInvokeError(
        `the runner (${this.description}) execution ${executionId} failed: ${failure}; ${where}`,
        "function",
      );
    throw new RunnerInvokeError(`the runner (${this.description}) execution ${executionId} finished with ${where}`, "transport");
  }
}

export function gcpCloudRunTransport(target: GcpRunnerTarget): RunnerTransport {
  return new GcpCloudRunTransport(target);
}
