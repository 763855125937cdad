// The container group one Azure run creates: the runner bundle gzipped in a secret volume, a tiny `node -e`
// bootstrap that unpacks and runs it, the event (without passwords) as a plain variable and each password
// as a secure one. Gzipped because the bundle is ~490 KiB (~670 KB as base64 in the request) and Azure
// documents no size limit for secret volumes; gzip makes it ~150 KiB (~200 KB as base64).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { ContainerGroup } from "@azure/arm-containerinstance";
import { EVENT_ENV, SECRET_ENV, withoutPasswords } from "./container-event";
import { RunnerInvokeError, type AzureRunnerTarget, type RunnerEvent } from "./contract";

export const RUNNER_CONTAINER = "runner";
export const BUNDLE_MOUNT = "/runner";
export const BUNDLE_FILE = "visor-db-runner.cjs.gz";
/** cpu 1 / 1.5 GB: the runner opens a few connections and needs little. */
export const RUNNER_RESOURCES = { cpu: 1, memoryInGB: 1.5 };

/**
 * Unpacks the gzipped bundle named by its first argument to a temporary file and runs it with the same
 * node, passing on its exit code (0 passed, 1 failed check, 2 error) and its one output line.
 */
export const BOOTSTRAP = [
  'const fs=require("fs"),os=require("os"),path=require("path"),zlib=require("zlib"),cp=require("child_process");',
  'const f=path.join(fs.mkdtempSync(path.join(os.tmpdir(),"visor-runner-")),"visor-db-runner.cjs");',
  "fs.writeFileSync(f,zlib.gunzipSync(fs.readFileSync(process.argv[1])));",
  'const r=cp.spawnSync(process.execPath,[f],{stdio:"inherit"});',
  "process.exit(r.status===null?2:r.status);",
].join("");

/** The package's own bundle (dist/runner/visor-db-runner.cjs), found from this module in dist/ or in the source tree. */
export function runnerBundlePath(from: string = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (!existsSync(pkg)) continue;
    const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name;
    if (name !== "visor-db-infra") continue;
    const bundle = join(dir, "dist", "runner", "visor-db-runner.cjs");
    if (existsSync(bundle)) return bundle;
    throw new RunnerInvokeError(`the runner bundle ${bundle} is missing: run npm run build`, "transport");
  }
  throw new RunnerInvokeError(
    "the runner bundle was not found: visor-db-infra's package.json is not above this module",
    "transport",
  );
}

let gzipped: { path: string; base64: string } | undefined;

/** The bundle as the secret volume's base64 value (read and compressed once per process). */
export function bundleSecretValue(path: string = runnerBundlePath()): string {
  if (gzipped?.path !== path) gzipped = { path, base64: gzipSync(readFileSync(path), { level: 9 }).toString("base64") };
  return gzipped.base64;
}

/** The password of a connection, whether a field or part of its URL. */
function passwordOf(conn: unknown): string | undefined {
  const c = conn as { password?: unknown; url?: unknown } | undefined;
  if (typeof c?.password === "string" && c.password !== "") return c.password;
  if (typeof c?.url !== "string") return undefined;
  try {
    const password = new URL(c.url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** The container's environment: secrets only as `secureValue` (never returned by Azure's API). */
export function runnerEnvironment(event: RunnerEvent): { name: string; value?: string; secureValue?: string }[] {
  const e = event as { connection: unknown; poolerConnection?: unknown; options?: { appPassword?: unknown } };
  const secrets: [string, string | undefined][] = [
    [SECRET_ENV.connectionPassword, passwordOf(e.connection)],
    [SECRET_ENV.poolerPassword, passwordOf(e.poolerConnection)],
    [SECRET_ENV.appPassword, typeof e.options?.appPassword === "string" ? e.options.appPassword : undefined],
  ];
  return [
    { name: EVENT_ENV, value: JSON.stringify(withoutPasswords(event)) },
    ...secrets.filter((s): s is [string, string] => s[1] !== undefined).map(([name, secureValue]) => ({ name, secureValue })),
  ];
}

export function containerGroupSpec(target: AzureRunnerTarget, event: RunnerEvent, bundleBase64: string): ContainerGroup {
  return {
    location: target.location,
    tags: { "visor-db-runner": event.action },
    osType: "Linux",
    restartPolicy: "Never",
    sku: "Standard",
    subnetIds: [{ id: target.subnetId }],
    // VNet container groups do not inherit the VNet's DNS servers.
    ...(target.dnsServers?.length ? { dnsConfig: { nameServers: target.dnsServers } } : {}),
    containers: [
      {
        name: RUNNER_CONTAINER,
        image: target.image,
        command: ["node", "-e", BOOTSTRAP, `${BUNDLE_MOUNT}/${BUNDLE_FILE}`],
        resources: { requests: RUNNER_RESOURCES },
        environmentVariables: runnerEnvironment(event),
        volumeMounts: [{ name: "runner-bundle", mountPath: BUNDLE_MOUNT, readOnly: true }],
      },
    ],
    volumes: [{ name: "runner-bundle", secret: { [BUNDLE_FILE]: bundleBase64 } }],
  };
}
