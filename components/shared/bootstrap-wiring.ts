// The same bootstrap on every cloud: VisorSchema on the writer, then VisorHaSmokeTest on the writer
// and the pooler, after the database, its app role and the pooler are ready.
import * as pulumi from "@pulumi/pulumi";
import type { VisorConnectionArgs } from "../visor/providers/connection-args";
import { VisorSchema } from "../visor/providers/visor-schema";
import { VisorHaSmokeTest } from "../visor/providers/visor-ha-smoke-test";
import type { ResolvedBase } from "./base-validation";
import { transformShared, type SharedChildTransforms } from "./args";

export interface BootstrapWiringArgs {
  /** Writer connection as the app role (secret). */
  writer: pulumi.Input<VisorConnectionArgs>;
  /** Pooler connection as the app role, when there is a pooler. */
  pooler?: pulumi.Input<VisorConnectionArgs>;
  /** Everything that must exist first (database, role, grants, pooler service). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  settings: ResolvedBase;
  /** The component's per-child hooks (schema, smokeTest). */
  transforms?: SharedChildTransforms;
}

export interface BootstrapResources {
  schema?: VisorSchema;
  smokeTest?: VisorHaSmokeTest;
}

export function wireBootstrap(name: string, parent: pulumi.Resource, args: BootstrapWiringArgs): BootstrapResources {
  const b = args.settings.bootstrap;
  if (!b) return {};
  const connectRetry = { timeoutMs: b.connectTimeoutMs };
  const schema = new VisorSchema(
    `${name}-schema`,
    ...transformShared(
      args.transforms,
      "schema",
      { connection: args.writer, retainOnDelete: b.retainOnDelete, connectRetry },
      { parent, dependsOn: args.dependsOn },
    ),
  );
  if (!b.smokeTest) return { schema };
  const smokeTest = new VisorHaSmokeTest(
    `${name}-smoke-test`,
    ...transformShared(
      args.transforms,
      "smokeTest",
      {
        connection: args.writer,
        poolerConnection: args.pooler,
        nodes: b.nodes,
        lockTtlMs: args.settings.ha.lockTtlMs,
        heartbeatMs: args.settings.ha.heartbeatMs,
        rerunOnEveryUp: b.rerunOnEveryUp,
        connectRetry,
      },
      { parent, dependsOn: [schema, ...args.dependsOn] },
    ),
  );
  return { schema, smokeTest };
}
