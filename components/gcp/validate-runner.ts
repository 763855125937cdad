// `bootstrap.via` and `bootstrap.runner` of GcpVisorDatabase: where the setup, VisorSchema and the smoke test run,
// and the runner job's subnet (checked here, with the field named, rather than refused by the API mid-deployment).
import type { Validator } from "../shared/validation";
import type { GcpBootstrapSettings, GcpBootstrapVia, GcpVisorDatabaseArgs } from "./args";
import { validateGcpRunner, type ResolvedGcpRunner } from "./runner";

const SUBNETWORK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/]+\/regions\/([^/]+)\/subnetworks\/[^/]+$/;

export function validateGcpBootstrapVia(
  check: Validator,
  args: GcpVisorDatabaseArgs,
  region: string,
): { bootstrapVia: GcpBootstrapVia; runner: ResolvedGcpRunner } {
  const settings: GcpBootstrapSettings = typeof args.bootstrap === "object" && args.bootstrap !== null ? args.bootstrap : {};
  const bootstrapVia = check.oneOf("bootstrap.via", settings.via, ["runner", "direct"], "runner");
  if (settings.runner !== undefined)
    check.require(
      bootstrapVia === "runner" && args.bootstrap !== false,
      "bootstrap.runner",
      'unset unless bootstrap.via is "runner" (nothing runs the job otherwise)',
      settings.runner,
    );
  const subnetwork = settings.runner?.subnetwork;
  if (typeof subnetwork === "string") {
    // Direct VPC egress uses a subnet of the job's own region.
    const m = SUBNETWORK.exec(subnetwork);
    check.require(
      !!m && m[2] === region,
      "bootstrap.runner.subnetwork",
      `a subnetwork of the network in ${region} (projects/<p>/regions/${region}/subnetworks/<s> or its self link)`,
      subnetwork,
    );
  }
  return { bootstrapVia, runner: validateGcpRunner(check, "bootstrap.runner", settings.runner) };
}
