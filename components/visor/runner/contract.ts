// The runner's contract, the same on every cloud: one JSON event in, the JSON `visor-db <action> --json`
// prints out. AWS invokes it as a Lambda handler; a container (Cloud Run job, Azure container group) runs
// `node visor-db-runner.cjs < event.json` and reads the one line it prints.
import type { VisorConnection } from "../connection";
import type {
  BootstrapActionOptions,
  BootstrapJson,
  DropJson,
  SetupOptions,
  SetupResult,
  SmokeActionOptions,
  SmokeJson,
} from "./actions";
import type { InspectView } from "../inspect-view";
import type { GcpRunnerTarget } from "./gcp-target";

export type { GcpRunnerTarget };

export const RUNNER_ACTIONS = ["setup", "bootstrap", "smoke", "inspect", "drop"] as const;
export type RunnerAction = (typeof RUNNER_ACTIONS)[number];

interface EventBase<A extends RunnerAction, O> {
  action: A;
  /** The writer (for `setup`: as the admin user, usually on database `postgres`). PostgreSQL only. */
  connection: VisorConnection;
  options?: O;
}

export type RunnerEvent =
  | (EventBase<"setup", SetupOptions> & { options: SetupOptions })
  | EventBase<"bootstrap", BootstrapActionOptions>
  | (EventBase<"smoke", SmokeActionOptions> & { poolerConnection?: VisorConnection })
  | EventBase<"inspect", Record<string, never>>
  /** Only VisorSchema's delete with `retainOnDelete: false` sends it; `options.retainOnDelete` must say so. */
  | EventBase<"drop", { retainOnDelete: false }>;

export interface RunnerResults {
  setup: SetupResult;
  bootstrap: BootstrapJson;
  smoke: SmokeJson;
  inspect: InspectView;
  drop: DropJson;
}
export type RunnerResult = RunnerResults[RunnerAction];

/** What a failed run returns (Lambda's own shape for a handler error), passwords redacted. */
export interface RunnerErrorJson {
  errorType: string;
  errorMessage: string;
}

/** Where the providers and `--via-lambda` find the runner. One cloud key; GCP and Azure add theirs (issue 20). */
export interface RunnerTarget {
  aws?: AwsRunnerTarget;
  /** A Cloud Run job with Direct VPC egress (issue 20). */
  gcp?: GcpRunnerTarget;
  azure?: AzureRunnerTarget;
}

export interface AwsRunnerTarget {
  functionName: string;
  /** Default: the SDK's (AWS_REGION, the profile). Components pass the stack's `aws:region`. */
  region?: string;
  /**
   * A named profile of the AWS config files (components pass the stack's `aws:profile`). A profile with
   * `role_arn` is how an assumed role reaches the invoke. Default: the SDK's chain (`AWS_PROFILE`, …).
   */
  profile?: string;
  /** Another Lambda API endpoint (tests, VPC endpoints with private DNS off). */
  endpoint?: string;
  /** Tries while IAM and the function's network interfaces settle: default 36, 5000 ms apart (3 minutes). */
  retry?: { attempts?: number; delayMs?: number };
  /** Longest wait for one invocation. Default 910000 (Lambda's 900 s limit and some margin). */
  timeoutMs?: number;
}

/** An Azure container group started per run in a subnet delegated to container groups (issue 20). */
export interface AzureRunnerTarget {
  subscriptionId: string;
  /** Where the per-run container groups are created (and deleted). */
  resourceGroupName: string;
  /** Azure region of the runner subnet's VNet. */
  location: string;
  /** Subnet delegated to Microsoft.ContainerInstance/containerGroups, in the database's VNet. */
  subnetId: string;
  /** A Node.js 22 image (pin a digest). */
  image: string;
  /** Name servers for the container group (VNet groups do not inherit the VNet's DNS). Default: Azure's. */
  dnsServers?: string[];
  /** Another Azure Resource Manager endpoint (sovereign clouds, tests). Default https://management.azure.com. */
  endpoint?: string;
  /** PEM of the CA that signs `endpoint`'s certificate, when it is not a public one (tests). */
  endpointCa?: string;
  /** Creates retried while role assignments propagate (403): default 36, 5000 ms apart (3 minutes). */
  retry?: { attempts?: number; delayMs?: number };
  /** Longest wait from create until the container has terminated. Default 300000 (VNet groups start slowly). */
  timeoutMs?: number;
  /** Pause between state polls. Default 5000. */
  pollIntervalMs?: number;
}

export class RunnerInvokeError extends Error {
  constructor(
    message: string,
    /** `function` when the runner ran and failed; `transport` when it could not be reached or answered badly. */
    readonly kind: "function" | "transport",
  ) {
    super(message);
    this.name = "RunnerInvokeError";
  }
}

export class RunnerEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunnerEventError";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One clear error naming the field when the event is not one the runner can run. */
export function parseRunnerEvent(value: unknown): RunnerEvent {
  if (!isObject(value)) throw new RunnerEventError("runner event must be a JSON object");
  if (!RUNNER_ACTIONS.includes(value.action as RunnerAction))
    throw new RunnerEventError(
      `runner event.action must be one of ${RUNNER_ACTIONS.join(", ")} (got ${JSON.stringify(value.action)})`,
    );
  if (!isObject(value.connection)) throw new RunnerEventError("runner event.connection must be an object");
  for (const key of ["connection", "poolerConnection"] as const) {
    const conn = value[key] as { driver?: unknown; url?: unknown } | undefined;
    if (conn === undefined) continue;
    if (!isObject(conn)) throw new RunnerEventError(`runner event.${key} must be an object`);
    const driver =
      conn.driver ??
      (typeof conn.url === "string" && /^(mysql|mariadb|mssql|sqlserver):/i.test(conn.url) ? "other" : "postgresql");
    if (driver !== "postgresql") throw new RunnerEventError(`runner event.${key}: the runner supports PostgreSQL only`);
  }
  if (value.poolerConnection !== undefined && value.action !== "smoke")
    throw new RunnerEventError("runner event.poolerConnection is only for action smoke");
  if (value.options !== undefined && !isObject(value.options))
    throw new RunnerEventError("runner event.options must be an object");
  const options = (value.options ?? {}) as Record<string, unknown>;
  if (value.action === "setup" && typeof options.appPassword !== "string")
    throw new RunnerEventError("runner event.options.appPassword is required for setup (a plain password or a SCRAM verifier)");
  if (value.action === "drop" && options.retainOnDelete !== false)
    throw new RunnerEventError("runner event.options.retainOnDelete must be false for drop (it drops Visor's three tables)");
  return value as unknown as RunnerEvent;
}

/** Every password an event carries, for redaction. */
export function eventSecrets(event: unknown): string[] {
  if (!isObject(event)) return [];
  const out: string[] = [];
  for (const key of ["connection", "poolerConnection"]) {
    const conn = event[key];
    if (!isObject(conn)) continue;
    if (typeof conn.password === "string") out.push(conn.password);
    if (typeof conn.url === "string") {
      try {
        const password = new URL(conn.url).password;
        if (password) out.push(decodeURIComponent(password), password);
      } catch {
        /* not a URL: nothing to take from it */
      }
    }
  }
  const options = event.options;
  if (isObject(options) && typeof options.appPassword === "string") out.push(options.appPassword);
  return out;
}

/** Whether a result means success, as the CLI's exit code says it (0) or not (1). */
export function resultPassed(action: RunnerAction, result: RunnerResult): boolean {
  if (action === "smoke") return (result as SmokeJson).passed;
  if (action === "inspect") return (result as InspectView).usableByVisor;
  return true;
}
