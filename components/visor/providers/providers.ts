// The dynamic providers as the Pulumi engine runs them. Each method loads this package by name at run
// time and delegates to the provider logic, so the serialized provider is a few lines: no password, no
// path of the build machine, no native module captured.
import type * as pulumi from "@pulumi/pulumi";

/**
 * The package's internal entry for the engine (see engine-entry.ts), resolved from the Pulumi program's
 * node_modules when the engine runs the provider.
 */
const PACKAGE = "visor-db-infra/internal/providers";

/**
 * Resolves the package from the engine's working directory (the Pulumi project): the serialized module
 * has no file name of its own to resolve from, and this keeps any path out of the serialized text.
 */
const load = () =>
  require("node:module").createRequire(require("node:path").join(process.cwd(), "[visor-dynamic-provider]"))(PACKAGE);

export const schemaProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => load().schemaProviderLogic.check(olds, news),
  diff: (id, olds, news) => load().schemaProviderLogic.diff(id, olds, news),
  create: (inputs) => load().schemaProviderLogic.create(inputs),
  read: (id, props) => load().schemaProviderLogic.read(id, props),
  update: (id, olds, news) => load().schemaProviderLogic.update(id, olds, news),
  delete: (id, props) => load().schemaProviderLogic.delete(id, props),
};

export const smokeTestProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => load().smokeTestProviderLogic.check(olds, news),
  diff: (id, olds, news) => load().smokeTestProviderLogic.diff(id, olds, news),
  create: (inputs) => load().smokeTestProviderLogic.create(inputs),
  read: (id, props) => load().smokeTestProviderLogic.read(id, props),
  update: (id, olds, news) => load().smokeTestProviderLogic.update(id, olds, news),
  delete: (id, props) => load().smokeTestProviderLogic.delete(id, props),
};
