// Shared by the options-*.test.ts files: constants and a builder for components with options beyond the
// defaults. Import after setupAwsMocks() has run.
import assert from "node:assert/strict";
import { MINIMAL, byPrefix, isSecretInput, one, settle } from "./helpers";
import { registered } from "../support/pulumi-mocks";
import { AwsVisorDatabase, type AwsVisorDatabaseArgs } from "../../components/aws";

export const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
export const WEST_KMS = "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab";
export const TOPIC = "arn:aws:sns:us-east-1:123456789012:visor-db-alarms";

export async function make(name: string, args: Partial<AwsVisorDatabaseArgs>): Promise<AwsVisorDatabase> {
  const db = new AwsVisorDatabase(name, { ...MINIMAL, ...args });
  await settle(db);
  return db;
}
export const types = (name: string) => new Set(byPrefix(name).map((r) => r.type));
export const params = (name: string, type: string, child: string) =>
  Object.fromEntries(
    (one(name, type, child).inputs.parameters as { name: string; value: string; applyMethod: string }[]).map((p) => [
      p.name,
      p.value,
    ]),
  );

/**
 * Every password/secretString/privateKeyPem input registered by this test file is a secret. Returns how many
 * resources and inputs it saw, so each file can require that it really looked.
 */
export function assertSecretsAreSecret(): { resources: number; checked: number } {
  let checked = 0;
  for (const r of registered) {
    for (const [k, v] of Object.entries(r.inputs)) {
      if (
        /password|secretString|privateKeyPem/i.test(k) &&
        v !== undefined &&
        typeof v !== "boolean" &&
        k !== "manageMasterUserPassword"
      ) {
        assert.ok(isSecretInput(v), `${r.type} ${r.name}.${k} must be a secret`);
        checked++;
      }
    }
  }
  return { resources: registered.length, checked };
}
