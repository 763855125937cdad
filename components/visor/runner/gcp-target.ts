// Where the Google Cloud runner is: a Cloud Run job inside the database's VPC (Direct VPC egress) and the
// bucket it writes its result to. Nothing here is secret: the passwords reach the job from Secret Manager.

export interface GcpRunnerTarget {
  project: string;
  /** The job's region, e.g. europe-west1. */
  region: string;
  /** The Cloud Run job's short name. */
  job: string;
  /** The bucket the job writes `{execution}.json` to. */
  resultsBucket: string;
  /** Another Cloud Run Admin API endpoint. Default https://run.googleapis.com. Plain http only on loopback (tests). */
  endpoint?: string;
  /** Another Cloud Storage endpoint. Default https://storage.googleapis.com. Plain http only on loopback (tests). */
  storageEndpoint?: string;
  /** Longest wait for one execution, start-up included. Default 600000 (the job's 300 s and Direct VPC start-up). */
  timeoutMs?: number;
  /** Tries while IAM propagates (403 PERMISSION_DENIED): default 36, 5000 ms apart (3 minutes). */
  retry?: { attempts?: number; delayMs?: number };
  /** Pause between looks at the running execution. Default 2000. */
  pollMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const int = (v: unknown, min: number, max: number) =>
  v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max);

/** Whether an endpoint may carry an access token: https anywhere, plain http only to this machine. */
export function endpointProblem(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return `${field} must be a URL such as https://run.googleapis.com (got ${JSON.stringify(value)})`;
  }
  const loopback = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/.test(url.hostname);
  if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return undefined;
  return `${field} must be an https URL (plain http only on loopback, for tests) (got ${JSON.stringify(value)})`;
}

/** One clear message naming the field when `runner.gcp` cannot be used. */
export function gcpRunnerTargetProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "runner.gcp must be an object { project, region, job, resultsBucket }";
  // Google's formats: project IDs 6–30 characters; Cloud Run job names are DNS labels up to 63.
  if (typeof value.project !== "string" || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value.project))
    return `runner.gcp.project must be a Google Cloud project ID (6-30 lowercase letters, digits, hyphens) (got ${JSON.stringify(value.project)})`;
  if (typeof value.region !== "string" || !/^[a-z]+(-[a-z]+)+\d+$/.test(value.region))
    return `runner.gcp.region must be a Google Cloud region such as europe-west1 (got ${JSON.stringify(value.region)})`;
  if (typeof value.job !== "string" || !/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value.job))
    return `runner.gcp.job must be a Cloud Run job name (1-63 lowercase letters, digits, hyphens) (got ${JSON.stringify(value.job)})`;
  if (typeof value.resultsBucket !== "string" || !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(value.resultsBucket))
    return `runner.gcp.resultsBucket must be a Cloud Storage bucket name (got ${JSON.stringify(value.resultsBucket)})`;
  const endpoint = endpointProblem("runner.gcp.endpoint", value.endpoint);
  if (endpoint) return endpoint;
  const storage = endpointProblem("runner.gcp.storageEndpoint", value.storageEndpoint);
  if (storage) return storage;
  const retry = value.retry as { attempts?: unknown; delayMs?: unknown } | undefined;
  if (retry !== undefined && (!isObject(retry) || !int(retry.attempts, 1, 200) || !int(retry.delayMs, 0, 60_000)))
    return "runner.gcp.retry.attempts must be an integer from 1 to 200 and retry.delayMs from 0 to 60000";
  if (!int(value.timeoutMs, 1000, 3_600_000)) return "runner.gcp.timeoutMs must be an integer from 1000 to 3600000";
  if (!int(value.pollMs, 10, 60_000)) return "runner.gcp.pollMs must be an integer from 10 to 60000";
  return undefined;
}
