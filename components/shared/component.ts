// The skeleton every cloud component shares: the common outputs and `registerOutputs`, the child factory
// with the per-child `transform` hook, Visor's app credentials and connection, and the bootstrap wiring.
// A cloud component validates its arguments, calls `super`, builds what its cloud needs, then `finish`es.
import * as pulumi from "@pulumi/pulumi";
import type { VisorConnectionArgs } from "../visor/providers/connection-args";
import { appCredentials, type AppCredentials } from "./app-credentials";
import type { Endpoint, SharedChildTransforms, VisorDatabaseOutputs } from "./args";
import type { ResolvedBase } from "./base-validation";
import { wireBootstrap, type BootstrapResources, type BootstrapWiringArgs } from "./bootstrap-wiring";
import { Children } from "./children";

/** TLS for a connection the bootstrap makes: always verify-full, with a CA when public roots do not verify it. */
export interface VerifyFull {
  mode: "verify-full";
  ca?: string;
}

/** What every cloud hands to `finish`. */
export interface CommonOutputs {
  writerEndpoint: pulumi.Output<Endpoint>;
  readerEndpoints: pulumi.Output<Endpoint[]>;
  poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  /** Where Visor's connection document is kept (an ARN, a Secret Manager name, a Key Vault secret id). */
  appConnectionSecretId: pulumi.Output<string | undefined>;
  /** PEM of the CA that verifies the server, when public roots do not. */
  serverCaPem: pulumi.Output<string | undefined>;
  /** PEM of the CA that verifies the pooler, when neither public roots nor `serverCaPem` do. */
  poolerCaPem: pulumi.Output<string | undefined>;
}

export abstract class VisorDatabaseComponent<T extends SharedChildTransforms>
  extends pulumi.ComponentResource
  implements VisorDatabaseOutputs
{
  /** The writer. Visor's scheduler uses this or the pooler in front of it, never a replica. */
  declare public readonly writerEndpoint: pulumi.Output<Endpoint>;
  /** Replicas' endpoints: reporting queries only. */
  declare public readonly readerEndpoints: pulumi.Output<Endpoint[]>;
  /** The pooler in front of the writer; undefined without one. */
  declare public readonly poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  declare public readonly databaseName: pulumi.Output<string>;
  declare public readonly appUser: pulumi.Output<string>;
  /** Secret. */
  declare public readonly appPassword: pulumi.Output<string>;
  /** The secret holding Visor's connection document (see AppConnectionDocument); undefined where none is kept. */
  declare public readonly appConnectionSecretId: pulumi.Output<string | undefined>;
  /** PEM of the CA(s) the server's certificate chains to (Visor's `ssl.ca` / `sslrootcert`), when known. */
  declare public readonly serverCaPem: pulumi.Output<string | undefined>;
  /** PEM of the certificate to trust for verify-full to `poolerEndpoint`, when the pooler has its own. */
  declare public readonly poolerCaPem: pulumi.Output<string | undefined>;

  /** The child factory: parent set, `transform[key]` applied. */
  protected readonly children: Children<T>;
  /** The shared settings, validated. */
  protected readonly base: ResolvedBase;
  /** Visor's app role password and its SCRAM verifier. */
  protected readonly credentials: AppCredentials;

  protected constructor(
    type: string,
    name: string,
    base: ResolvedBase,
    transforms: T | undefined,
    opts: pulumi.ComponentResourceOptions | undefined,
  ) {
    super(type, name, {}, opts);
    this.base = base;
    this.children = new Children<T>(name, this, transforms);
    this.credentials = appCredentials(this.children as Children<SharedChildTransforms>);
  }

  /** Visor's connection (secret) as the app role to `endpoint`, verify-full. */
  protected visorConnection(endpoint: pulumi.Input<Endpoint>, ssl: pulumi.Input<VerifyFull>): pulumi.Output<VisorConnectionArgs> {
    return pulumi.secret(
      pulumi.all([endpoint, this.credentials.plain, ssl]).apply(([target, password, tls]) => ({
        host: target.host,
        port: target.port,
        database: this.base.databaseName,
        user: this.base.appUser,
        password,
        ssl: tls,
      })),
    );
  }

  /** VisorSchema on the writer, then the smoke test on the writer and the pooler, after `dependsOn`. */
  protected bootstrap(args: {
    writer: pulumi.Input<VisorConnectionArgs>;
    pooler?: pulumi.Input<VisorConnectionArgs>;
    dependsOn: pulumi.Input<pulumi.Resource>[];
    runner?: BootstrapWiringArgs["runner"];
    setup?: BootstrapWiringArgs["setup"];
  }): BootstrapResources {
    return wireBootstrap(this.children as Children<SharedChildTransforms>, { ...args, settings: this.base });
  }

  /** Sets the common outputs and registers them with the cloud's own (`extra`). */
  protected finish(common: CommonOutputs, extra: Record<string, pulumi.Output<unknown>> = {}): void {
    Object.assign(this, {
      ...common,
      databaseName: pulumi.output(this.base.databaseName),
      appUser: pulumi.output(this.base.appUser),
      appPassword: this.credentials.plain,
    });
    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoints: this.readerEndpoints,
      poolerEndpoint: this.poolerEndpoint,
      databaseName: this.databaseName,
      appUser: this.appUser,
      appPassword: this.appPassword,
      appConnectionSecretId: this.appConnectionSecretId,
      serverCaPem: this.serverCaPem,
      poolerCaPem: this.poolerCaPem,
      ...extra,
    });
  }
}
