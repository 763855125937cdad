// The GCP runner (`bootstrap: { via: "runner" }`): a Cloud Run job with Direct VPC egress into the instance's
// network that runs the runner bundle once per provider call, so `pulumi up` needs no network path to the
// private instance. The providers start it with `jobs.run` and an env override carrying the event without
// passwords; the job reads the passwords from Secret Manager and writes its result to a bucket.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import type * as inputs from "@pulumi/gcp/types/input";
import type { ChildTransform } from "../shared/args";
import type { Children } from "../shared/children";
import { requirePinnedImage } from "../shared/rules";
import type { Validator } from "../shared/validation";
import { CONNECT_RETRY_ENV, RESULTS_BUCKET_ENV } from "../visor/runner/container-run";
import { ADMIN_PASSWORD_ENV, APP_LOGIN_PASSWORD_ENV, APP_PASSWORD_ENV } from "../visor/runner/container-passwords";
import type { GcpRunnerTarget } from "../visor/runner/gcp-target";

/** `bootstrap.runner` on GcpVisorDatabase: where the job runs and what it runs on. */
export interface GcpRunnerArgs {
  /**
   * Subnetwork (id or self link) of `network` the job's Direct VPC egress uses. Default: a /26 created here
   * with `subnetCidr` (Direct VPC egress needs /26 or larger and takes its addresses 16 at a time).
   */
  subnetwork?: pulumi.Input<string>;
  /** The range of the subnet created here: /26 or larger, inside RFC 1918, free in the VPC. Default "10.255.255.192/26". */
  subnetCidr?: string;
  /**
   * Stock Node 22 image, pinned (a version tag or digest; Cloud Run resolves a tag to its digest when the job is
   * deployed). Default "node:22-bookworm-slim" from Docker Hub; an Artifact Registry remote repository of Docker
   * Hub (`REGION-docker.pkg.dev/PROJECT/REPO/library/node:…`) avoids Docker Hub's pull limits.
   */
  image?: string;
  /** The job's task timeout in seconds. Default 300; 60–3600. */
  timeoutSeconds?: number;
  /** How long the runner retries its first connection while Direct VPC egress comes up, in ms. Default 90000. */
  connectRetryMs?: number;
}

export const GCP_RUNNER_DEFAULTS = {
  subnetCidr: "10.255.255.192/26",
  image: "node:22-bookworm-slim",
  timeoutSeconds: 300,
  connectRetryMs: 90_000,
} as const;

export interface ResolvedGcpRunner {
  subnetwork?: pulumi.Input<string>;
  subnetCidr: string;
  image: string;
  timeoutSeconds: number;
  connectRetryMs: number;
}

/** The transform keys of the runner's children (GcpVisorDatabase's `transform` carries them). */
export interface GcpRunnerTransforms {
  runnerServiceAccount?: ChildTransform<serviceaccount.AccountArgs>;
  runnerSubnetwork?: ChildTransform<compute.SubnetworkArgs>;
  runnerBundleBucket?: ChildTransform<storage.BucketArgs>;
  runnerBundleObject?: ChildTransform<storage.BucketObjectArgs>;
  runnerResultsBucket?: ChildTransform<storage.BucketArgs>;
  runnerSecret?: ChildTransform<secretmanager.SecretArgs>;
  runnerSecretVersion?: ChildTransform<secretmanager.SecretVersionArgs>;
  runnerSecretAccess?: ChildTransform<secretmanager.SecretIamMemberArgs>;
  runnerBucketAccess?: ChildTransform<storage.BucketIAMMemberArgs>;
  runnerJob?: ChildTransform<cloudrunv2.JobArgs>;
}

const RFC1918 = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
] as const;

/** One clear error naming the field for a range Direct VPC egress cannot use. */
export function subnetCidrProblem(cidr: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) return "an IPv4 CIDR such as 10.255.255.192/26";
  const prefix = Number(m[5]);
  if (prefix > 26 || prefix < 8) return "a prefix from /8 to /26 (Direct VPC egress needs /26 or larger)";
  const ip = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return `a network address (the host bits of /${prefix} must be zero)`;
  const inside = RFC1918.some(([base, bits]) => prefix >= bits && Math.floor(ip / 2 ** (32 - bits)) === base / 2 ** (32 - bits));
  if (!inside) return "a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";
  return undefined;
}

export function validateGcpRunner(v: Validator, field: string, args: GcpRunnerArgs | undefined): ResolvedGcpRunner {
  const a = args ?? {};
  const subnetCidr = a.subnetCidr ?? GCP_RUNNER_DEFAULTS.subnetCidr;
  const problem = subnetCidrProblem(subnetCidr);
  if (problem) v.fail(`${field}.subnetCidr`, problem, subnetCidr);
  if (a.subnetwork !== undefined && a.subnetCidr !== undefined)
    v.fail(`${field}.subnetCidr`, "unset when subnetwork is given (the range is the existing subnet's)", a.subnetCidr);
  return {
    subnetwork: a.subnetwork,
    subnetCidr,
    image: requirePinnedImage(v, `${field}.image`, a.image ?? GCP_RUNNER_DEFAULTS.image),
    timeoutSeconds: v.int(`${field}.timeoutSeconds`, a.timeoutSeconds, 60, 3600, GCP_RUNNER_DEFAULTS.timeoutSeconds),
    connectRetryMs: v.int(`${field}.connectRetryMs`, a.connectRetryMs, 0, 900_000, GCP_RUNNER_DEFAULTS.connectRetryMs),
  };
}

/**
 * The built bundle: dist/runner next to the compiled component, or the checkout's dist when run from source. Looked
 * for in each directory above this file, since a program bundled by `visor-db plan` runs these sources from stacks/.
 */
export function runnerBundleFile(): { path: string; hash: string } {
  const candidates: string[] = [];
  for (let dir = resolve(__dirname); ; dir = dirname(dir)) {
    candidates.push(join(dir, "runner", "visor-db-runner.cjs"), join(dir, "dist", "runner", "visor-db-runner.cjs"));
    if (dirname(dir) === dir) break;
  }
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error("the runner bundle dist/runner/visor-db-runner.cjs is missing: build the package (npm run build)");
  return { path, hash: createHash("sha256").update(readFileSync(path)).digest("hex") };
}

/** A lowercase label from the component name for names Google limits (service account ids, job names). */
function label(name: string, max: number): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  return (slug || "visor").slice(0, max).replace(/-+$/, "");
}

export interface GcpRunnerInputs {
  name: string;
  children: Children<GcpRunnerTransforms>;
  project?: pulumi.Input<string>;
  region: string;
  network: pulumi.Input<string>;
  labels: Record<string, string>;
  settings: ResolvedGcpRunner;
  /** For `setup` (the built-in admin). */
  adminPassword: pulumi.Input<string>;
  /** Visor's role's password: bootstrap, smoke test and inspect connect with it. */
  appPassword: pulumi.Input<string>;
  /** What `setup` gives Visor's role when not its plain password: the SCRAM verifier PgBouncer's userlist holds. */
  appVerifier?: pulumi.Input<string>;
}

export interface GcpRunner {
  serviceAccount: serviceaccount.Account;
  subnetwork?: compute.Subnetwork;
  bundleBucket: storage.Bucket;
  bundleObject: storage.BucketObject;
  resultsBucket: storage.Bucket;
  secrets: secretmanager.Secret[];
  secretVersions: secretmanager.SecretVersion[];
  secretAccess: secretmanager.SecretIamMember[];
  bucketAccess: storage.BucketIAMMember[];
  job: cloudrunv2.Job;
  /** What VisorSchema / VisorHaSmokeTest take as `runner.gcp`. */
  target: pulumi.Output<GcpRunnerTarget>;
}

export function gcpRunner(inputs: GcpRunnerInputs): GcpRunner {
  const { name, children, project, region, network, labels, settings } = inputs;
  const bundle = runnerBundleFile();
  const sa = new serviceaccount.Account(
    `${name}-runner`,
    ...children.prepare("runnerServiceAccount", {
      accountId: `${label(name, 23)}-runner`,
      displayName: `Visor database runner (${name})`,
      description: "Runs visor-db's setup, bootstrap and smoke test inside the VPC (visor-db-infra)",
      project,
    }),
  );
  const subnetwork =
    settings.subnetwork === undefined
      ? new compute.Subnetwork(
          `${name}-runner`,
          ...children.prepare("runnerSubnetwork", {
            network,
            region,
            project,
            ipCidrRange: settings.subnetCidr,
            description: "Direct VPC egress of the Visor database runner job (visor-db-infra)",
          }),
        )
      : undefined;
  const bucket = (key: "runnerBundleBucket" | "runnerResultsBucket", suffix: string, extra: Partial<storage.BucketArgs>) =>
    new storage.Bucket(
      `${name}-runner-${suffix}`,
      ...children.prepare(key, {
        location: region.toUpperCase(),
        project,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        // Both hold only what the next deployment writes again: nothing of the user's is lost with them.
        forceDestroy: true,
        labels,
        ...extra,
      }),
    );
  const bundleBucket = bucket("runnerBundleBucket", "bundle", {});
  // Results live a day: long enough to read, short enough not to accumulate (reports hold no password).
  const resultsBucket = bucket("runnerResultsBucket", "results", {
    lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 1 } }],
  });
  // Named by its content: a new bundle is a new object, so the job changes with it.
  const objectName = `visor-db-runner-${bundle.hash.slice(0, 16)}.cjs`;
  const bundleObject = new storage.BucketObject(
    `${name}-runner-bundle`,
    ...children.prepare("runnerBundleObject", {
      bucket: bundleBucket.name,
      name: objectName,
      source: new pulumi.asset.FileAsset(bundle.path),
      contentType: "application/javascript",
    }),
  );

  const secrets: secretmanager.Secret[] = [];
  const secretVersions: secretmanager.SecretVersion[] = [];
  const secretAccess: secretmanager.SecretIamMember[] = [];
  const secretEnv = (
    env: string,
    suffix: string,
    value: pulumi.Input<string>,
  ): inputs.cloudrunv2.JobTemplateTemplateContainerEnv => {
    const secret = new secretmanager.Secret(
      `${name}-runner-${suffix}`,
      ...children.prepare("runnerSecret", {
        secretId: `${label(name, 200)}-runner-${suffix}`,
        project,
        labels,
        replication: { auto: {} },
      }),
    );
    const version = new secretmanager.SecretVersion(
      `${name}-runner-${suffix}`,
      ...children.prepare("runnerSecretVersion", { secret: secret.id, secretData: pulumi.secret(value) }),
    );
    const access = new secretmanager.SecretIamMember(
      `${name}-runner-${suffix}-access`,
      ...children.prepare("runnerSecretAccess", {
        project,
        secretId: secret.secretId,
        role: "roles/secretmanager.secretAccessor",
        member: sa.member,
      }),
    );
    secrets.push(secret);
    secretVersions.push(version);
    secretAccess.push(access);
    return { name: env, valueSource: { secretKeyRef: { secret: secret.secretId, version: version.version } } };
  };
  const envs: inputs.cloudrunv2.JobTemplateTemplateContainerEnv[] = [
    secretEnv(ADMIN_PASSWORD_ENV, "admin-password", inputs.adminPassword),
    secretEnv(inputs.appVerifier ? APP_LOGIN_PASSWORD_ENV : APP_PASSWORD_ENV, "app-password", inputs.appPassword),
    ...(inputs.appVerifier ? [secretEnv(APP_PASSWORD_ENV, "app-verifier", inputs.appVerifier)] : []),
    { name: RESULTS_BUCKET_ENV, value: resultsBucket.name },
    { name: CONNECT_RETRY_ENV, value: String(settings.connectRetryMs) },
  ];
  const bucketAccess = [
    // The job mounts the bundle read-only; it only ever creates its result object.
    [bundleBucket, "bundle-read", "roles/storage.objectViewer"],
    [resultsBucket, "results-write", "roles/storage.objectCreator"],
  ].map(
    ([b, suffix, role]) =>
      new storage.BucketIAMMember(
        `${name}-runner-${suffix as string}`,
        ...children.prepare("runnerBucketAccess", {
          bucket: (b as storage.Bucket).name,
          role: role as string,
          member: sa.member,
        }),
      ),
  );

  const mount = "/runner";
  const job = new cloudrunv2.Job(
    `${name}-runner`,
    ...children.prepare(
      "runnerJob",
      {
        name: `${label(name, 56)}-runner`,
        location: region,
        project,
        labels,
        // The job is recreated from code on every deployment; it holds no data.
        deletionProtection: false,
        template: {
          taskCount: 1,
          parallelism: 1,
          template: {
            serviceAccount: sa.email,
            maxRetries: 0,
            timeout: `${settings.timeoutSeconds}s`,
            vpcAccess: {
              networkInterfaces: [{ network, subnetwork: subnetwork?.id ?? settings.subnetwork }],
              // Only private ranges go through the VPC: Cloud Storage and the metadata server stay on Google's path.
              egress: "PRIVATE_RANGES_ONLY",
            },
            volumes: [{ name: "runner-bundle", gcs: { bucket: bundleBucket.name, readOnly: true } }],
            containers: [
              {
                image: settings.image,
                commands: ["node"],
                args: [`${mount}/${objectName}`],
                envs,
                volumeMounts: [{ name: "runner-bundle", mountPath: mount }],
                resources: { limits: { cpu: "1", memory: "512Mi" } },
              },
            ],
          },
        },
      },
      { dependsOn: [bundleObject, ...secretAccess, ...bucketAccess] },
    ),
  );
  const target = pulumi
    .all([job.project, job.name, resultsBucket.name])
    .apply(([p, j, b]) => ({ project: p, region, job: j, resultsBucket: b }) satisfies GcpRunnerTarget);
  return {
    serviceAccount: sa,
    subnetwork,
    bundleBucket,
    bundleObject,
    resultsBucket,
    secrets,
    secretVersions,
    secretAccess,
    bucketAccess,
    job,
    target,
  };
}
