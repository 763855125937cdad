// The typed, Pulumi-input form of a Visor connection, shared by both dynamic resources and the cloud
// components. The whole object is made a Pulumi secret: it carries the password.
import type * as pulumi from "@pulumi/pulumi";
import type { SslMode, VisorDriver } from "../connection";

export interface VisorConnectionArgs {
  /** Default: from `url`'s scheme, else `postgresql`. */
  driver?: pulumi.Input<VisorDriver>;
  url?: pulumi.Input<string>;
  host?: pulumi.Input<string>;
  /** Default: the driver's standard port. */
  port?: pulumi.Input<number>;
  /** Default `visor`. */
  database?: pulumi.Input<string>;
  user?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  /** The cloud components pass `verify-full` with their provider's CA bundle. */
  ssl?: pulumi.Input<{ mode?: pulumi.Input<SslMode>; ca?: pulumi.Input<string> }>;
}

/** How long to wait for a freshly provisioned endpoint to resolve and accept connections. */
export interface ConnectRetryArgs {
  /** Total budget. Default 300000 (5 minutes). */
  timeoutMs?: number;
  /** First pause; doubles each attempt. Default 1000. */
  initialDelayMs?: number;
  /** Longest pause. Default 30000. */
  maxDelayMs?: number;
}

/** Where the runner is (one cloud). Function name and region are not secret; credentials ride in each invoke. */
export interface RunnerTargetArgs {
  aws?: pulumi.Input<{
    functionName: pulumi.Input<string>;
    /** Default: the SDK's (AWS_REGION, the profile). The AWS component passes the stack's region. */
    region?: pulumi.Input<string>;
    /** A profile of the AWS config files. The AWS component passes the stack's `aws:profile`. */
    profile?: pulumi.Input<string>;
    /** Another Lambda API endpoint (tests; a VPC endpoint without private DNS). */
    endpoint?: pulumi.Input<string>;
    /** Default 36 attempts, 5000 ms apart, while IAM and the function's network interfaces settle. */
    retry?: pulumi.Input<{ attempts?: number; delayMs?: number }>;
    /** Longest wait for one invocation. Default 910000. */
    timeoutMs?: pulumi.Input<number>;
  }>;
  /** A Cloud Run job inside the VPC (components/gcp `bootstrap: { via: "runner" }`); see GcpRunnerTarget. */
  gcp?: pulumi.Input<{
    project: pulumi.Input<string>;
    region: pulumi.Input<string>;
    job: pulumi.Input<string>;
    resultsBucket: pulumi.Input<string>;
    endpoint?: pulumi.Input<string>;
    storageEndpoint?: pulumi.Input<string>;
    timeoutMs?: pulumi.Input<number>;
    retry?: pulumi.Input<{ attempts?: number; delayMs?: number }>;
    pollMs?: pulumi.Input<number>;
  }>;
  /** An Azure container group per run in a subnet delegated to container groups (see AzureRunnerTarget). */
  azure?: pulumi.Input<{
    subscriptionId: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    subnetId: pulumi.Input<string>;
    image: pulumi.Input<string>;
    dnsServers?: pulumi.Input<pulumi.Input<string>[]>;
    endpoint?: pulumi.Input<string>;
    endpointCa?: pulumi.Input<string>;
    retry?: pulumi.Input<{ attempts?: number; delayMs?: number }>;
    timeoutMs?: pulumi.Input<number>;
    pollIntervalMs?: pulumi.Input<number>;
  }>;
}
