// The AWS transport: a synchronous Lambda invoke (RequestResponse), as CDK's Trigger does it. Retries
// while IAM propagates (AccessDeniedException) and while a VPC function's network interfaces are made
// (ResourceNotReadyException, or a function still Pending); fails on a function error with the runner's
// own message. Credentials ride only in the payload, over the SDK's TLS; the function's configuration
// holds none.
import type { InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { RunnerInvokeError, type AwsRunnerTarget, type RunnerErrorJson, type RunnerEvent } from "./contract";
import type { RunnerTransport } from "./transport";
import { loadOptionalPeer } from "./optional-peer";

/** Lambda's limit for a synchronous request and response payload. */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const DEFAULT_ATTEMPTS = 36;
const DEFAULT_DELAY_MS = 5000;
const DEFAULT_TIMEOUT_MS = 910_000;

type Sdk = typeof import("@aws-sdk/client-lambda");

const loadSdk = (): Promise<Sdk> =>
  loadOptionalPeer("runner.aws", ["@aws-sdk/client-lambda"], () => import("@aws-sdk/client-lambda"));

/** Errors that settle by themselves shortly after the function and its role were created. */
export function isSettling(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  if (e.name === "AccessDeniedException" || e.name === "ResourceNotReadyException") return true;
  // "The operation cannot be performed at this time. The function is currently in the following state: Pending"
  return e.name === "ResourceConflictException" && /\bPending\b|InProgress/i.test(e.message ?? "");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function payloadText(out: InvokeCommandOutput): string {
  const bytes = out.Payload ?? new Uint8Array();
  if (bytes.byteLength > LAMBDA_SYNC_PAYLOAD_BYTES)
    throw new RunnerInvokeError(
      `the runner's response is ${bytes.byteLength} bytes, over Lambda's ${LAMBDA_SYNC_PAYLOAD_BYTES}-byte synchronous limit`,
      "transport",
    );
  return Buffer.from(bytes).toString("utf8");
}

function parsed(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The text could be anything the function printed: say how long it was, never what it said.
    throw new RunnerInvokeError(`${what} answered with ${text.length} characters that are not JSON`, "transport");
  }
}

class AwsLambdaTransport implements RunnerTransport {
  readonly description: string;
  private client?: LambdaClient;

  constructor(private readonly target: AwsRunnerTarget) {
    this.description = `aws:lambda:${target.functionName}${target.region ? `@${target.region}` : ""}`;
  }

  private async send(sdk: Sdk, payload: Buffer): Promise<InvokeCommandOutput> {
    this.client ??= new sdk.LambdaClient({
      ...(this.target.region ? { region: this.target.region } : {}),
      ...(this.target.profile ? { profile: this.target.profile } : {}),
      ...(this.target.endpoint ? { endpoint: this.target.endpoint } : {}),
    });
    const timeoutMs = this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      return await this.client.send(
        new sdk.InvokeCommand({ FunctionName: this.target.functionName, InvocationType: "RequestResponse", Payload: payload }),
        { abortSignal: abort.signal },
      );
    } catch (err) {
      if (abort.signal.aborted)
        throw new RunnerInvokeError(`${this.description} did not answer within ${Math.round(timeoutMs / 1000)} s`, "transport");
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async invoke(event: RunnerEvent): Promise<unknown> {
    const payload = Buffer.from(JSON.stringify(event));
    if (payload.byteLength > LAMBDA_SYNC_PAYLOAD_BYTES)
      throw new RunnerInvokeError(
        `the runner event is ${payload.byteLength} bytes, over Lambda's ${LAMBDA_SYNC_PAYLOAD_BYTES}-byte synchronous limit`,
        "transport",
      );
    const sdk = await loadSdk();
    const attempts = this.target.retry?.attempts ?? DEFAULT_ATTEMPTS;
    const delayMs = this.target.retry?.delayMs ?? DEFAULT_DELAY_MS;
    let out: InvokeCommandOutput | undefined;
    for (let attempt = 1; !out; attempt++) {
      try {
        out = await this.send(sdk, payload);
      } catch (err) {
        if (err instanceof RunnerInvokeError) throw err;
        const e = err as Error;
        if (isSettling(e) && attempt < attempts) {
          await sleep(delayMs);
          continue;
        }
        const after = isSettling(e)
          ? ` (still after ${attempts} attempts, ${Math.round(((attempts - 1) * delayMs) / 1000)} s)`
          : "";
        throw new RunnerInvokeError(`${this.description} could not be invoked${after}: ${e.name}: ${e.message}`, "transport");
      }
    }
    if ((out.StatusCode ?? 200) >= 400)
      throw new RunnerInvokeError(`${this.description} answered HTTP ${out.StatusCode}`, "transport");
    const result = parsed(payloadText(out), this.description);
    if (out.FunctionError) {
      const failure = (result ?? {}) as Partial<RunnerErrorJson>;
      throw new RunnerInvokeError(
        `the runner (${this.description}) failed: ${failure.errorType ?? out.FunctionError}: ${failure.errorMessage ?? "no message"}`,
        "function",
      );
    }
    return result;
  }
}

export function awsLambdaTransport(target: AwsRunnerTarget): RunnerTransport {
  return new AwsLambdaTransport(target);
}
