// The Azure transport: one short-lived container group per run in a subnet delegated to container groups
// (inside the database's VNet). Create it, poll until its container has terminated, read the exit code and
// the runner's one result line from the container's logs, and delete the group — on success, on failure and
// on timeout. Credentials are always DefaultAzureCredential's (environment, workload or managed identity,
// Azure CLI, …); the passwords travel only as secure environment values, which Azure never returns.
import { randomBytes } from "node:crypto";
import type { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { bundleSecretValue, containerGroupSpec, RUNNER_CONTAINER } from "./azure-container-spec";
import { RunnerInvokeError, type AzureRunnerTarget, type RunnerErrorJson, type RunnerEvent } from "./contract";
import type { RunnerTransport } from "./transport";
import { loadOptionalPeer } from "./optional-peer";

export { azureRunnerTargetProblem } from "./azure-runner-target";

/** The Microsoft.ContainerInstance API version whose shapes this transport uses (logs: Containers_ListLogs). */
export const AZURE_CONTAINER_API_VERSION = "2025-09-01";
const DEFAULT_ATTEMPTS = 36;
const DEFAULT_DELAY_MS = 5000;
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_POLL_MS = 5000;
const DELETE_TIMEOUT_MS = 120_000;
const LOG_TAIL_LINES = 50;
const ARM = "https://management.azure.com";

const loadSdks = () =>
  loadOptionalPeer("runner.azure", ["@azure/arm-containerinstance", "@azure/identity"], () =>
    Promise.all([import("@azure/arm-containerinstance"), import("@azure/identity")]),
  );

/** 403s that settle by themselves shortly after a role assignment (or the runner subnet) was created. */
export function isAuthorizationSettling(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string };
  return e.statusCode === 403 && /^(AuthorizationFailed|LinkedAuthorizationFailed)$/.test(e.code ?? "");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describe = (err: unknown) => {
  const e = err as { code?: string; statusCode?: number; message?: string };
  return `${e.code ?? e.statusCode ?? "Error"}: ${e.message ?? String(err)}`;
};

/** The last line of the logs that is a JSON object: the runner prints exactly one. */
export function resultLine(content: string): unknown {
  const lines = content.split(/\r?\n/).filter((l) => l.trim().startsWith("{"));
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line);
    } catch {
      /* a truncated or foreign line: look further up */
    }
  }
  return undefined;
}

interface Finished {
  exitCode: number;
  detail: string;
}

class AzureContainerGroupTransport implements RunnerTransport {
  readonly description: string;
  private client?: ContainerInstanceManagementClient;

  constructor(private readonly target: AzureRunnerTarget) {
    this.description = `azure:containerGroups@${target.resourceGroupName}/${target.location}`;
  }

  private async clientOf(): Promise<ContainerInstanceManagementClient> {
    if (this.client) return this.client;
    const [aci, identity] = await loadSdks();
    const endpoint = (this.target.endpoint ?? ARM).replace(/\/$/, "");
    this.client = new aci.ContainerInstanceManagementClient(new identity.DefaultAzureCredential(), this.target.subscriptionId, {
      endpoint,
      $host: endpoint,
      apiVersion: AZURE_CONTAINER_API_VERSION,
      // Tokens are always for Resource Manager itself, whatever endpoint answers.
      credentialScopes: `${ARM}/.default`,
      ...(this.target.endpointCa ? { tlsOptions: { ca: this.target.endpointCa } } : {}),
    });
    return this.client;
  }

  private async create(client: ContainerInstanceManagementClient, name: string, event: RunnerEvent): Promise<void> {
    const spec = containerGroupSpec(this.target, event, bundleSecretValue());
    const attempts = this.target.retry?.attempts ?? DEFAULT_ATTEMPTS;
    const delayMs = this.target.retry?.delayMs ?? DEFAULT_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        // Started, not awaited: the state polls below bound the whole run.
        await client.containerGroups.beginCreateOrUpdate(this.target.resourceGroupName, name, spec);
        return;
      } catch (err) {
        if (isAuthorizationSettling(err) && attempt < attempts) {
          await sleep(delayMs);
          continue;
        }
        const after = isAuthorizationSettling(err)
          ? ` (still after ${attempts} attempts, ${Math.round(((attempts - 1) * delayMs) / 1000)} s)`
          : "";
        throw new RunnerInvokeError(
          `${this.description} could not create container group ${name}${after}: ${describe(err)}`,
          "transport",
        );
      }
    }
  }

  /** Polls until the container has terminated, the group failed, or the time is up. */
  private async waitForExit(client: ContainerInstanceManagementClient, name: string, deadline: number): Promise<Finished> {
    const pollMs = this.target.pollIntervalMs ?? DEFAULT_POLL_MS;
    for (;;) {
      const group = await client.containerGroups.get(this.target.resourceGroupName, name);
      const container = group.containers.find((c) => c.name === RUNNER_CONTAINER);
      const state = container?.instanceView?.currentState;
      if (state?.state === "Terminated") return { exitCode: state.exitCode ?? -1, detail: state.detailStatus ?? "" };
      if (group.provisioningState === "Failed") {
        const events = (container?.instanceView?.events ?? []).map((e) => `${e.name ?? ""}: ${e.message ?? ""}`);
        throw new RunnerInvokeError(
          `${this.description}: container group ${name} failed to start${events.length ? ` (${events.slice(-3).join("; ")})` : ""}`,
          "transport",
        );
      }
      if (Date.now() + pollMs > deadline)
        throw new RunnerInvokeError(
          `${this.description}: container group ${name} did not finish within ${Math.round((this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s (last state: ${state?.state ?? group.provisioningState ?? "unknown"})`,
          "transport",
        );
      await sleep(pollMs);
    }
  }

  private async remove(client: ContainerInstanceManagementClient, name: string): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), DELETE_TIMEOUT_MS);
    try {
      await client.containerGroups.beginDeleteAndWait(this.target.resourceGroupName, name, { abortSignal: abort.signal });
    } catch (err) {
      // Never created (the create was refused): nothing to delete.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async invoke(event: RunnerEvent): Promise<unknown> {
    const client = await this.clientOf();
    const name = `visor-runner-${event.action}-${randomBytes(5).toString("hex")}`;
    const deadline = Date.now() + (this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let outcome: { result: unknown } | { error: unknown };
    try {
      await this.create(client, name, event);
      outcome = { result: await this.run(client, name, deadline) };
    } catch (err) {
      outcome = { error: err };
    }
    // Whatever happened, the group goes: nothing is left running or billed.
    try {
      await this.remove(client, name);
    } catch (err) {
      const deleteProblem = `container group ${name} in ${this.target.resourceGroupName} could not be deleted (${describe(err)}): delete it by hand`;
      const before = "error" in outcome ? `${(outcome.error as Error).message}; and ` : "";
      throw new RunnerInvokeError(`${before}${deleteProblem}`, "transport");
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.result;
  }

  private async run(client: ContainerInstanceManagementClient, name: string, deadline: number): Promise<unknown> {
    const { exitCode, detail } = await this.waitForExit(client, name, deadline);
    let content: string;
    try {
      content =
        (await client.containers.listLogs(this.target.resourceGroupName, name, RUNNER_CONTAINER, { tail: LOG_TAIL_LINES }))
          .content ?? "";
    } catch (err) {
      throw new RunnerInvokeError(
        `${this.description}: the logs of container group ${name} could not be read: ${describe(err)}`,
        "transport",
      );
    }
    const result = resultLine(content);
    // 0: passed, 1: a check ran and failed — both print the action's JSON, which the caller judges.
    if ((exitCode === 0 || exitCode === 1) && result !== undefined && !("errorType" in (result as object))) return result;
    const failure = (result ?? {}) as Partial<RunnerErrorJson>;
    const message = failure.errorMessage
      ? `${failure.errorType ?? "Error"}: ${failure.errorMessage}`
      : `no result line in its logs (${content.length} characters)${detail ? `, ${detail}` : ""}`;
    throw new RunnerInvokeError(
      `the runner (${this.description}, group ${name}) exited with code ${exitCode}: ${message}`,
      "function",
    );
  }
}

export function azureContainerGroupTransport(target: AzureRunnerTarget): RunnerTransport {
  return new AzureContainerGroupTransport(target);
}
