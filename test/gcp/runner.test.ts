// The GCP runner's resources under Pulumi's mocks: a Cloud Run job with Direct VPC egress on the instance's
// network (a /26 subnet made here or an existing one), the content-hashed bundle from a read-only Cloud Storage
// volume, passwords only as Secret Manager references, IAM scoped to the runner's own secrets and buckets.
import { registered, setupMocks, resolve, assertNoLeaks } from "../support/pulumi-mocks";
import { runnerMockOutputs, NETWORK, REGION, SUBNET, isSecretInput } from "./helpers";

setupMocks(runnerMockOutputs);

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../../components/shared/children";
import { Validator, VisorValidationError } from "../../components/shared/validation";
import {
  gcpRunner,
  runnerBundleFile,
  subnetCidrProblem,
  validateGcpRunner,
  type GcpRunnerTransforms,
} from "../../components/gcp/runner";

const ADMIN_PW = "Adm1n-runner-pw-0123456789";
const APP_PW = "App-runner-pw-0123456789";
const VERIFIER = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";

function build(name: string, runner: Parameters<typeof validateGcpRunner>[2] = undefined, verifier = false) {
  const parent = new pulumi.ComponentResource("test:index:Parent", name);
  return gcpRunner({
    name,
    children: new Children<GcpRunnerTransforms>(name, parent, undefined),
    region: REGION,
    network: NETWORK,
    labels: { app: "visor" },
    settings: validateGcpRunner(new Validator("GcpVisorDatabase"), "bootstrap.runner", runner),
    adminPassword: pulumi.secret(ADMIN_PW),
    appPassword: pulumi.secret(APP_PW),
    ...(verifier ? { appVerifier: pulumi.secret(VERIFIER) } : {}),
  });
}

const of = (name: string, type: string) => registered.filter((r) => r.type === type && r.name.startsWith(name));
const settle = async (r: ReturnType<typeof build>) => {
  await resolve(r.target);
  await new Promise((res) => setTimeout(res, 200));
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

test("the job: Direct VPC egress on a /26 of the instance's network, the hashed bundle from a read-only volume, no retries, 300 s", async () => {
  const r = build("rdflt");
  await settle(r);
  const [subnet] = of("rdflt", "gcp:compute/subnetwork:Subnetwork");
  assert.equal(subnet!.inputs.ipCidrRange, "10.255.255.192/26");
  assert.equal(subnet!.inputs.network, NETWORK);
  assert.equal(subnet!.inputs.region, REGION);

  const [job] = of("rdflt", "gcp:cloudrunv2/job:Job");
  const t = (job!.inputs.template as Obj).template;
  assert.equal(job!.inputs.name, "rdflt-runner");
  assert.equal(job!.inputs.location, REGION);
  assert.equal(t.maxRetries, 0);
  assert.equal(t.timeout, "300s");
  assert.equal(t.serviceAccount, "rdflt-runner@acme.iam.gserviceaccount.com");
  assert.deepEqual(t.vpcAccess, {
    // The subnet made here, by its id (the mocks' id for it).
    networkInterfaces: [{ network: NETWORK, subnetwork: "rdflt-runner-id" }],
    egress: "PRIVATE_RANGES_ONLY",
  });
  const bundle = runnerBundleFile();
  const hash = createHash("sha256").update(readFileSync(bundle.path)).digest("hex").slice(0, 16);
  const [object] = of("rdflt", "gcp:storage/bucketObject:BucketObject");
  assert.equal(object!.inputs.name, `visor-db-runner-${hash}.cjs`, "the object is named by the bundle's content");
  assert.equal(object!.inputs.bucket, "rdflt-runner-bundle-5e1f");
  assert.deepEqual(t.volumes, [{ name: "runner-bundle", gcs: { bucket: "rdflt-runner-bundle-5e1f", readOnly: true } }]);
  const [c] = t.containers;
  assert.equal(c.image, "node:22-bookworm-slim");
  assert.deepEqual(c.commands, ["node"]);
  assert.deepEqual(c.args, [`/runner/visor-db-runner-${hash}.cjs`]);
  assert.deepEqual(c.volumeMounts, [{ name: "runner-bundle", mountPath: "/runner" }]);
  const env = Object.fromEntries((c.envs as Obj[]).map((e) => [e.name, e.value ?? e.valueSource]));
  assert.deepEqual(env, {
    VISOR_RUNNER_ADMIN_PASSWORD: { secretKeyRef: { secret: "rdflt-runner-admin-password", version: "1" } },
    VISOR_RUNNER_APP_PASSWORD: { secretKeyRef: { secret: "rdflt-runner-app-password", version: "1" } },
    VISOR_RUNNER_RESULTS_BUCKET: "rdflt-runner-results-5e1f",
    VISOR_RUNNER_CONNECT_RETRY_MS: "90000",
  });
  assert.deepEqual(await resolve(r.target).then((x) => x.value), {
    project: "acme",
    region: REGION,
    job: "rdflt-runner",
    resultsBucket: "rdflt-runner-results-5e1f",
  });
});

test("buckets are private; results expire after a day; passwords only in Secret Manager; IAM only on the runner's own things", async () => {
  const r = build("rsec", undefined, true);
  await settle(r);
  const buckets = of("rsec", "gcp:storage/bucket:Bucket");
  assert.deepEqual(buckets.map((b) => b.name).sort(), ["rsec-runner-bundle", "rsec-runner-results"]);
  for (const b of buckets) {
    assert.equal(b.inputs.uniformBucketLevelAccess, true);
    assert.equal(b.inputs.publicAccessPrevention, "enforced");
    assert.equal(b.inputs.location, REGION.toUpperCase());
  }
  const results = buckets.find((b) => b.name === "rsec-runner-results")!;
  assert.deepEqual(results.inputs.lifecycleRules, [{ action: { type: "Delete" }, condition: { age: 1 } }]);

  const versions = of("rsec", "gcp:secretmanager/secretVersion:SecretVersion");
  assert.equal(versions.length, 3, "admin password, app password, app verifier");
  assert.ok(versions.every((v) => isSecretInput(v.inputs.secretData)));
  assertNoLeaks("rsec", { admin: ADMIN_PW, app: APP_PW, verifier: VERIFIER });
  const [job] = of("rsec", "gcp:cloudrunv2/job:Job");
  const names = ((job!.inputs.template as Obj).template.containers[0].envs as Obj[]).map((e) => e.name);
  assert.deepEqual(names, [
    "VISOR_RUNNER_ADMIN_PASSWORD",
    "VISOR_RUNNER_APP_LOGIN_PASSWORD",
    "VISOR_RUNNER_APP_PASSWORD",
    "VISOR_RUNNER_RESULTS_BUCKET",
    "VISOR_RUNNER_CONNECT_RETRY_MS",
  ]);

  const member = "serviceAccount:rsec-runner@acme.iam.gserviceaccount.com";
  const secretIam = of("rsec", "gcp:secretmanager/secretIamMember:SecretIamMember");
  assert.deepEqual(
    secretIam.map((m) => [m.inputs.secretId, m.inputs.role, m.inputs.member]).sort(),
    ["admin-password", "app-password", "app-verifier"].map((s) => [
      `rsec-runner-${s}`,
      "roles/secretmanager.secretAccessor",
      member,
    ]),
  );
  const bucketIam = of("rsec", "gcp:storage/bucketIAMMember:BucketIAMMember");
  assert.deepEqual(bucketIam.map((m) => [m.inputs.bucket, m.inputs.role, m.inputs.member]).sort(), [
    ["rsec-runner-bundle-5e1f", "roles/storage.objectViewer", member],
    ["rsec-runner-results-5e1f", "roles/storage.objectCreator", member],
  ]);
  const broad = registered.filter((x) => x.name.startsWith("rsec") && /projects\/iAM|organizations|folders/i.test(x.type));
  assert.deepEqual(broad, [], "no project-, folder- or organization-wide grant");
});

test("an existing subnetwork is used as given (no subnet made); settings are validated with one clear error", async () => {
  const r = build("rsub", {
    subnetwork: SUBNET,
    image: "europe-docker.pkg.dev/acme/hub/library/node:22.11.0-slim",
    timeoutSeconds: 600,
  });
  await settle(r);
  assert.equal(of("rsub", "gcp:compute/subnetwork:Subnetwork").length, 0);
  const t = (of("rsub", "gcp:cloudrunv2/job:Job")[0]!.inputs.template as Obj).template;
  assert.equal(t.vpcAccess.networkInterfaces[0].subnetwork, SUBNET);
  assert.equal(t.timeout, "600s");
  assert.equal(t.containers[0].image, "europe-docker.pkg.dev/acme/hub/library/node:22.11.0-slim");

  for (const [cidr, why] of [
    ["10.0.0.0/27", /\/26 or larger/],
    ["10.0.0.64/25", /host bits of \/25 must be zero/],
    ["8.8.8.0/24", /private range inside 10\.0\.0\.0\/8/],
    ["10.0.0.0", /an IPv4 CIDR/],
  ] as const)
    assert.match(subnetCidrProblem(cidr) ?? "", why, cidr);
  assert.equal(subnetCidrProblem("172.16.4.0/24"), undefined);
  const fails = (args: Obj, field: RegExp) =>
    assert.throws(
      () => validateGcpRunner(new Validator("GcpVisorDatabase"), "bootstrap.runner", args),
      (e: unknown) => e instanceof VisorValidationError && field.test(e.message),
      JSON.stringify(args),
    );
  fails({ subnetCidr: "10.1.0.0/28" }, /bootstrap\.runner\.subnetCidr/);
  fails({ subnetwork: SUBNET, subnetCidr: "10.1.0.0/24" }, /bootstrap\.runner\.subnetCidr.*unset when subnetwork is given/);
  fails({ image: "node:latest" }, /bootstrap\.runner\.image/);
  fails({ image: "node" }, /bootstrap\.runner\.image/);
  fails({ timeoutSeconds: 10 }, /bootstrap\.runner\.timeoutSeconds/);
  fails({ connectRetryMs: -1 }, /bootstrap\.runner\.connectRetryMs/);
});
