// A local stand-in on 127.0.0.1 for the three Google endpoints the GCP runner path uses, answering with the
// published shapes (googleapis google/cloud/run/v2 job.proto, execution.proto, condition.proto; the
// Cloud Storage JSON API; the metadata server):
//   metadata   GET /computeMetadata/v1/instance[/service-accounts/default/token]  (Metadata-Flavor: Google)
//   Cloud Run  POST /v2/projects/{p}/locations/{r}/jobs/{job}:run → Operation{name, metadata: Execution}
//              GET  /v2/{operation name} → Operation{done, response: Execution{succeededCount, failedCount, conditions}}
//   Storage    POST /upload/storage/v1/b/{bucket}/o?uploadType=media&name=…   GET /storage/v1/b/{bucket}/o/{name}?alt=media
// A run starts the built runner bundle in a fresh process the way the job's container would: the event
// from the override's VISOR_RUNNER_EVENT, the passwords from the job's "Secret Manager" variables, the
// result uploaded back here with the metadata token. Job names script the failures around it:
//   denied-N-…  the first N runs answer 403 PERMISSION_DENIED (IAM still propagating)
//   hang-…      the execution never finishes
// A results bucket named refused-… answers 400 to uploads; one named slowiam-N-… answers 403 to the first N reads
// (the deployer's objectViewer grant still propagating).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BUILT_BUNDLE = resolve(__dirname, "..", "..", "..", "dist", "runner", "visor-db-runner.cjs");
const TOKEN = `ya29.fake-${randomBytes(8).toString("hex")}`;

interface Execution {
  name: string;
  createTime: string;
  completionTime?: string;
  taskCount: number;
  succeededCount?: number;
  failedCount?: number;
  conditions?: { type: string; state: string; message?: string }[];
  logUri: string;
}

export interface FakeRun {
  job: string;
  /** The env overrides sent (name → value). */
  overrides: Record<string, string>;
  execution?: string;
  exitCode?: number | null;
  stderr?: string;
}

export interface FakeCloudRun {
  endpoint: string;
  /** host:port, as GCE_METADATA_HOST takes it. */
  metadataHost: string;
  runs: FakeRun[];
  /** Requests without the metadata server's token. */
  unauthorized: string[];
  objects: Map<string, string>;
  /** The job definition's environment from Secret Manager, per job name. */
  secrets: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

const googleError = (res: ServerResponse, code: number, status: string, message: string) =>
  json(res, code, { error: { code, message, status } });

export async function startFakeCloudRun(): Promise<FakeCloudRun> {
  const folder = mkdtempSync(join(tmpdir(), "visor-cloud-run-"));
  if (!existsSync(BUILT_BUNDLE)) throw new Error(`${BUILT_BUNDLE} is missing: run npm run build`);
  // The bundle alone, as the job mounts it from the bundle bucket: nothing to resolve packages from.
  const bundle = join(folder, "visor-db-runner.cjs");
  copyFileSync(BUILT_BUNDLE, bundle);
  const runs: FakeRun[] = [];
  const unauthorized: string[] = [];
  const objects = new Map<string, string>();
  const secrets = new Map<string, Record<string, string>>();
  const operations = new Map<string, { done: boolean; execution: Execution }>();
  const seen = new Map<string, number>();
  const children = new Set<ReturnType<typeof spawn>>();
  let port = 0;

  function start(job: string, prefix: string, run: FakeRun): { name: string; execution: Execution } {
    const id = `${job}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const execution: Execution = {
      name: `${prefix}/executions/${id}`,
      createTime: new Date().toISOString(),
      taskCount: 1,
      logUri: `https://console.cloud.google.com/logs/viewer?execution=${id}`,
    };
    const name = `${prefix.replace(/\/jobs\/.*/, "")}/operations/${randomBytes(8).toString("hex")}`;
    const op = { done: false, execution };
    operations.set(name, op);
    run.execution = id;
    if (job.startsWith("hang-")) return { name, execution };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...secrets.get(job),
      ...run.overrides,
      CLOUD_RUN_JOB: job,
      CLOUD_RUN_EXECUTION: id,
      CLOUD_RUN_TASK_INDEX: "0",
      GCE_METADATA_HOST: `127.0.0.1:${port}`,
      STORAGE_EMULATOR_HOST: `http://127.0.0.1:${port}`,
    };
    const child = spawn(process.execPath, [bundle], { cwd: folder, env, stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.once("exit", (code) => {
      children.delete(child);
      run.exitCode = code;
      run.stderr = stderr;
      execution.completionTime = new Date().toISOString();
      if (code === 0) {
        execution.succeededCount = 1;
        execution.conditions = [{ type: "Completed", state: "CONDITION_SUCCEEDED" }];
      } else {
        execution.failedCount = 1;
        const message = `Task ${id}-0 failed with message: The container exited with an exit code of ${code}.`;
        execution.conditions = [{ type: "Completed", state: "CONDITION_FAILED", message }];
      }
      op.done = true;
    });
    return { name, execution };
  }

  const typed = (execution: Execution) => ({ "@type": "type.googleapis.com/google.cloud.run.v2.Execution", ...execution });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = await body(req);
      if (url.pathname.startsWith("/computeMetadata/")) {
        const flavor = { "metadata-flavor": "Google" };
        if (req.headers["metadata-flavor"] !== "Google") return json(res, 403, "Missing Metadata-Flavor", flavor);
        if (url.pathname === "/computeMetadata/v1/instance" || url.pathname === "/computeMetadata/v1/instance/")
          return json(res, 200, {}, flavor);
        if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/token")
          return json(res, 200, { access_token: TOKEN, expires_in: 3599, token_type: "Bearer" }, flavor);
        return json(res, 404, "not found", flavor);
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        unauthorized.push(`${req.method} ${url.pathname}`);
        return googleError(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      }
      const runMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/([^/:]+)):run$/.exec(url.pathname);
      if (req.method === "POST" && runMatch) {
        const job = decodeURIComponent(runMatch[2]!);
        const n = (seen.get(job) ?? 0) + 1;
        seen.set(job, n);
        const denied = /^denied-(\d+)-/.exec(job);
        const request = JSON.parse(text || "{}") as {
          overrides?: { containerOverrides?: { env?: { name: string; value: string }[] }[] };
        };
        const overrides = Object.fromEntries(
          (request.overrides?.containerOverrides?.[0]?.env ?? []).map((e) => [e.name, e.value] as const),
        );
        const run: FakeRun = { job, overrides };
        runs.push(run);
        if (denied && n <= Number(denied[1]))
          return googleError(
            res,
            403,
            "PERMISSION_DENIED",
            `Permission 'run.jobs.runWithOverrides' denied on resource '${runMatch[1]}'`,
          );
        const { name, execution } = start(job, runMatch[1]!, run);
        return json(res, 200, { name, metadata: typed(execution), done: false });
      }
      const opMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && opMatch) {
        const op = operations.get(opMatch[1]!);
        if (!op) return googleError(res, 404, "NOT_FOUND", `Operation ${opMatch[1]} not found`);
        const answer = { name: opMatch[1], metadata: typed(op.execution), done: op.done };
        return json(res, 200, op.done ? { ...answer, response: typed(op.execution) } : answer);
      }
      const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      if (req.method === "POST" && upload && url.searchParams.get("uploadType") === "media") {
        const bucket = decodeURIComponent(upload[1]!);
        const object = url.searchParams.get("name") ?? "";
        if (bucket.startsWith("refused-")) return googleError(res, 400, "FAILED_PRECONDITION", "Bucket is locked");
        objects.set(`${bucket}/${object}`, text);
        return json(res, 200, { kind: "storage#object", bucket, name: object, size: String(Buffer.byteLength(text)) });
      }
      const read = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && read && url.searchParams.get("alt") === "media") {
        const key = `${decodeURIComponent(read[1]!)}/${decodeURIComponent(read[2]!)}`;
        const slow = /^slowiam-(\d+)-/.exec(decodeURIComponent(read[1]!));
        const reads = (seen.get(`read:${key}`) ?? 0) + 1;
        seen.set(`read:${key}`, reads);
        if (slow && reads <= Number(slow[1]))
          return googleError(res, 403, "PERMISSION_DENIED", "caller does not have storage.objects.get access");
        const value = objects.get(key);
        if (value === undefined) return googleError(res, 404, "NOT_FOUND", `No such object: ${key}`);
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(value);
      }
      return googleError(res, 404, "NOT_FOUND", `${req.method} ${url.pathname} is not a call the fake answers`);
    })().catch((err: unknown) => googleError(res, 500, "INTERNAL", String(err)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    metadataHost: `127.0.0.1:${port}`,
    runs,
    unauthorized,
    objects,
    secrets,
    close: async () => {
      for (const child of children) child.kill();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Makes Application Default Credentials find the fake metadata server, as on Google Cloud: no key file,
 * no gcloud configuration (CLOUDSDK_CONFIG points at an empty folder), the metadata host on loopback.
 */
export function useFakeGcpCredentials(fake: FakeCloudRun): void {
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = join(tmpdir(), "visor-no-gcloud-config");
  process.env.GCE_METADATA_HOST = fake.metadataHost;
  process.env.METADATA_SERVER_DETECTION = "ping-only";
}
