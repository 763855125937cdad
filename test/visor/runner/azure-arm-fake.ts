// A loopback stand-in for the few Azure Resource Manager calls the Azure runner transport makes, with the
// shapes of Microsoft.ContainerInstance 2025-09-01 (ContainerGroupsCreateOrUpdate/Get/Delete,
// ContainerListLogs): HTTPS with a throw-away CA, a bearer token required on every call, and a managed
// identity endpoint (App Service style, as DefaultAzureCredential reads IDENTITY_ENDPOINT) issuing it.
// A created group really runs: its secret volume is written to a temp dir as Azure mounts it (each value
// base64-decoded to a file), its command runs in a child process with only its environment variables.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestCertificates } from "../../support/certificates";

export const API_VERSION = "2025-09-01";
const TOKEN = "fake-arm-token";

export interface FakeBehaviour {
  /** Answer this many creates with 403 AuthorizationFailed first. */
  forbidFirst?: number;
  /** Groups stay Running forever (the container never starts its command). */
  neverStart?: boolean;
  /** The logs call answers 500. */
  logsFail?: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  secureValue?: string;
}

interface Group {
  body: {
    location: string;
    properties: Record<string, unknown> & { containers: { name: string; properties: Record<string, unknown> }[] };
  };
  state: "Waiting" | "Running" | "Terminated";
  exitCode?: number;
  logs: string;
  child?: ChildProcess;
  dirs: string[];
}

export class FakeArm {
  private current: FakeBehaviour = {};
  /** Every request, as "METHOD path". */
  readonly calls: string[] = [];
  /** The bodies of every accepted create, by group name. */
  readonly created = new Map<string, Group["body"]>();
  readonly deleted: string[] = [];
  readonly groups = new Map<string, Group>();
  /** Creates since the behaviour was last set. */
  private creates = 0;
  private readonly certs = new TestCertificates();
  readonly ca: string;
  private readonly arm: Server;
  private readonly identity: Server;

  constructor() {
    this.ca = this.certs.ca("fake-arm-ca").pem;
    const cert = this.certs.serverCert("fake-arm", { cn: "127.0.0.1", san: "IP:127.0.0.1", ca: "fake-arm-ca" });
    this.arm = createHttpsServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, (req, res) =>
      this.handle(req, res),
    );
    this.identity = createHttpServer((req, res) => {
      const ok = req.headers["x-identity-header"] === "fake-identity-header";
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          ok
            ? {
                access_token: TOKEN,
                expires_on: String(Math.floor(Date.now() / 1000) + 3600),
                resource: "https://management.azure.com",
                token_type: "Bearer",
              }
            : { error: "bad header" },
        ),
      );
    });
  }

  get behaviour(): FakeBehaviour {
    return this.current;
  }

  set behaviour(value: FakeBehaviour) {
    this.current = value;
    this.creates = 0;
  }

  async start(): Promise<{ endpoint: string; identityEndpoint: string }> {
    await Promise.all([this.arm, this.identity].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    return {
      endpoint: `https://127.0.0.1:${(this.arm.address() as AddressInfo).port}`,
      identityEndpoint: `http://127.0.0.1:${(this.identity.address() as AddressInfo).port}/msi/token`,
    };
  }

  /** Points DefaultAzureCredential (managed identity, App Service style) at the fake identity endpoint. */
  static credentialEnv(identityEndpoint: string): Record<string, string> {
    return { IDENTITY_ENDPOINT: identityEndpoint, IDENTITY_HEADER: "fake-identity-header" };
  }

  async stop(): Promise<void> {
    for (const group of this.groups.values()) this.discard(group);
    await Promise.all([this.arm, this.identity].map((s) => new Promise((r) => s.close(r))));
    this.certs.remove();
  }

  private send(res: ServerResponse, status: number, body?: unknown): void {
    res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": `fake-${this.calls.length}` });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    this.calls.push(`${req.method} ${url.pathname}`);
    let text = "";
    for await (const chunk of req) text += chunk;
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return this.send(res, 401, { error: { code: "AuthenticationFailed", message: "no valid bearer token" } });
    if (url.searchParams.get("api-version") !== API_VERSION)
      return this.send(res, 400, {
        error: { code: "InvalidApiVersionParameter", message: `api-version ${url.searchParams.get("api-version")}` },
      });
    const m =
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerInstance\/containerGroups\/([^/]+)(\/containers\/([^/]+)\/logs)?$/.exec(
        url.pathname,
      );
    if (!m) return this.send(res, 404, { error: { code: "InvalidResourceType", message: url.pathname } });
    const name = m[1]!;
    const group = this.groups.get(name);
    if (m[2]) {
      if (!group) return this.send(res, 404, { error: { code: "ResourceNotFound", message: name } });
      if (this.behaviour.logsFail)
        return this.send(res, 500, { error: { code: "InternalServerError", message: "logs unavailable" } });
      const tail = Number(url.searchParams.get("tail") ?? 0);
      const lines = group.logs.split("\n");
      return this.send(res, 200, { content: tail > 0 ? lines.slice(-tail - 1).join("\n") : group.logs });
    }
    if (req.method === "PUT") {
      if (++this.creates <= (this.behaviour.forbidFirst ?? 0))
        return this.send(res, 403, {
          error: {
            code: "AuthorizationFailed",
            message:
              "The client does not have authorization to perform action 'Microsoft.ContainerInstance/containerGroups/write'.",
          },
        });
      const body = JSON.parse(text) as Group["body"];
      this.created.set(name, body);
      const created: Group = { body, state: "Waiting", logs: "", dirs: [] };
      this.groups.set(name, created);
      if (!this.behaviour.neverStart) this.run(created);
      else created.state = "Running";
      return this.send(res, 201, this.view(name, created));
    }
    // ARM answers a DELETE of a resource that does not exist with 204.
    if (!group && req.method === "DELETE") return this.send(res, 204);
    if (!group) return this.send(res, 404, { error: { code: "ResourceNotFound", message: `containerGroups/${name} not found` } });
    if (req.method === "GET") return this.send(res, 200, this.view(name, group));
    if (req.method === "DELETE") {
      this.discard(group);
      this.groups.delete(name);
      this.deleted.push(name);
      return this.send(res, 200, this.view(name, group));
    }
    return this.send(res, 405, { error: { code: "MethodNotAllowed", message: String(req.method) } });
  }

  /** What GET returns: the spec without secure values, with provisioning state and instance view. */
  private view(name: string, group: Group): unknown {
    const props = group.body.properties;
    return {
      id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/${name}`,
      name,
      type: "Microsoft.ContainerInstance/containerGroups",
      location: group.body.location,
      properties: {
        ...props,
        provisioningState: group.state === "Waiting" ? "Pending" : "Succeeded",
        volumes: (props.volumes as { name: string }[]).map((v) => ({ name: v.name, secret: {} })),
        containers: props.containers.map((c) => ({
          name: c.name,
          properties: {
            ...c.properties,
            environmentVariables: (c.properties.environmentVariables as EnvVar[]).map((e) => ({ name: e.name, value: e.value })),
            instanceView: {
              restartCount: 0,
              currentState: {
                state: group.state,
                ...(group.state === "Terminated" ? { exitCode: group.exitCode, detailStatus: "Completed" } : {}),
              },
              events: [],
            },
          },
        })),
        instanceView: { state: group.state === "Terminated" ? "Succeeded" : "Running", events: [] },
      },
    };
  }

  /** Runs the group's one container as Azure would: volumes mounted, only its own environment. */
  private run(group: Group): void {
    const props = group.body.properties;
    const mounts = new Map<string, string>();
    for (const volume of props.volumes as { name: string; secret?: Record<string, string> }[]) {
      const dir = mkdtempSync(join(tmpdir(), "fake-aci-secret-"));
      group.dirs.push(dir);
      for (const [file, value] of Object.entries(volume.secret ?? {}))
        writeFileSync(join(dir, file), Buffer.from(value, "base64"));
      mounts.set(volume.name, dir);
    }
    const container = props.containers[0]!.properties as {
      command: string[];
      environmentVariables: EnvVar[];
      volumeMounts: { name: string; mountPath: string }[];
    };
    const mapPath = (arg: string) => {
      for (const mount of container.volumeMounts)
        if (arg.startsWith(`${mount.mountPath}/`)) return mounts.get(mount.name)! + arg.slice(mount.mountPath.length);
      return arg;
    };
    const [program, ...args] = container.command;
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const e of container.environmentVariables) env[e.name] = e.secureValue ?? e.value ?? "";
    group.state = "Running";
    const child = spawn(program === "node" ? process.execPath : program!, args.map(mapPath), {
      cwd: tmpdir(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    group.child = child;
    child.stdout!.on("data", (d) => (group.logs += d));
    child.stderr!.on("data", (d) => (group.logs += d));
    // "close": after the output streams ended, so the logs are complete once the state says Terminated.
    child.once("close", (code) => {
      group.exitCode = code ?? 137;
      group.state = "Terminated";
      group.child = undefined;
    });
  }

  private discard(group: Group): void {
    group.child?.kill("SIGKILL");
    for (const dir of group.dirs) rmSync(dir, { recursive: true, force: true });
    group.dirs = [];
  }
}
