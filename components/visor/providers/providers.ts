// The dynamic providers as the Pulumi engine runs them. Each method loads this package by name at run
// time and delegates to the provider logic, so the serialized provider is a few lines: no password, no
// path of the build machine, no native module captured.
import type * as pulumi from "@pulumi/pulumi";

/** The package name, resolved from the Pulumi program's node_modules when the engine runs the provider. */
const PACKAGE = "visor-db-infra";

export const schemaProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => require(PACKAGE).schemaProviderLogic.check(olds, news),
  diff: (id, olds, news) => require(PACKAGE).schemaProviderLogic.diff(id, olds, news),
  create: (inputs) => require(PACKAGE).schemaProviderLogic.create(inputs),
  read: (id, props) => require(PACKAGE).schemaProviderLogic.read(id, props),
  update: (id, olds, news) => require(PACKAGE).schemaProviderLogic.update(id, olds, news),
  delete: (id, props) => require(PACKAGE).schemaProviderLogic.delete(id, props),
};

export const smokeTestProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => require(PACKAGE).smokeTestProviderLogic.check(olds, news),
  diff: (id, olds, news) => require(PACKAGE).smokeTestProviderLogic.diff(id, olds, news),
  create: (inputs) => require(PACKAGE).smokeTestProviderLogic.create(inputs),
  read: (id, props) => require(PACKAGE).smokeTestProviderLogic.read(id, props),
  update: (id, olds, news) => require(PACKAGE).smokeTestProviderLogic.update(id, olds, news),
  delete: (id, props) => require(PACKAGE).smokeTestProviderLogic.delete(id, props),
};
