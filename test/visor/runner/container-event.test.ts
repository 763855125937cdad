// Container mode's event: passwords travel apart from the event (secret-store variables) and are put
// back in place in the container; the event a transport sends carries none.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  containerEvent,
  EVENT_ENV,
  hasContainerEvent,
  SECRET_ENV,
  withoutPasswords,
} from "../../../components/visor/runner/container-event";
import { RunnerEventError } from "../../../components/visor/runner/contract";

const event = {
  action: "setup",
  connection: { host: "10.0.0.5", user: "visor_admin", password: "admin-secret", database: "postgres" },
  poolerConnection: { url: "postgresql://visor:pooler-secret@10.0.0.6:6432/visor" },
  options: { appPassword: "app-secret", databaseName: "visor" },
};

test("withoutPasswords takes every password out, URL passwords included, and leaves the rest", () => {
  const stripped = withoutPasswords(event);
  const text = JSON.stringify(stripped);
  for (const secret of ["admin-secret", "pooler-secret", "app-secret"]) assert.equal(text.includes(secret), false, secret);
  assert.deepEqual((stripped as typeof event).connection, { host: "10.0.0.5", user: "visor_admin", database: "postgres" });
  assert.equal((stripped as typeof event).poolerConnection.url, "postgresql://visor@10.0.0.6:6432/visor");
  assert.deepEqual((stripped as typeof event).options, { databaseName: "visor" });
  assert.equal(event.connection.password, "admin-secret", "the original is not changed");
});

test("containerEvent puts the passwords back from their variables", () => {
  const env = {
    [EVENT_ENV]: JSON.stringify(withoutPasswords({ ...event, poolerConnection: { host: "10.0.0.6", port: 6432 } })),
    [SECRET_ENV.connectionPassword]: "admin-secret",
    [SECRET_ENV.poolerPassword]: "pooler-secret",
    [SECRET_ENV.appPassword]: "app-secret",
  };
  assert.equal(hasContainerEvent(env), true);
  const got = containerEvent(env) as Record<string, Record<string, unknown>>;
  assert.equal(got.connection!.password, "admin-secret");
  assert.equal(got.poolerConnection!.password, "pooler-secret");
  assert.equal(got.options!.appPassword, "app-secret");
  assert.equal(got.options!.databaseName, "visor");
});

test("without the variables nothing is invented; a bad event is one clear error", () => {
  assert.equal(hasContainerEvent({}), false);
  const got = containerEvent({ [EVENT_ENV]: '{"action":"inspect","connection":{"host":"h"}}' }) as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal("password" in got.connection!, false);
  assert.equal("options" in got, false);
  assert.throws(
    () => containerEvent({ [EVENT_ENV]: "{not json" }),
    (e: unknown) => e instanceof RunnerEventError && /VISOR_RUNNER_EVENT is not valid JSON/.test(e.message),
  );
  assert.throws(() => containerEvent({ [EVENT_ENV]: "[1]" }), /must be a JSON object/);
});
