// Every remedy the tools print that names a `visor-db` command names one that exists, with flags that
// command's own parser accepts and its usage text documents. Checked against the CLI itself, not a list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONNECT_REMEDIES, OPTIONAL_COLUMN_NOTE, SCHEMA_REMEDIES, SMOKE_REMEDIES } from "../../components/visor/remedies";
import { COMMANDS, main } from "../../scripts/visor-db";

const ROOT = join(__dirname, "..", "..");
const REFERENCE = /`visor-db ([a-z][a-z-]*)([^`\n]*)`/g; // one line: a help text is a multi-line template

interface Reference {
  where: string;
  command: string;
  /** `local up`: a subcommand word right after the command. */
  subcommand?: string;
  flags: string[];
}

function referencesIn(text: string, where: string): Reference[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({
    where,
    command: m[1]!,
    subcommand: /^ ([a-z]+)\b/.exec(m[2]!)?.[1],
    flags: [...m[2]!.matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)].map((f) => f[1]!),
  }));
}

/** Runs the CLI's entry point in-process, capturing what it prints; a rejected flag throws. */
async function quietly(argv: string[]): Promise<{ code: number; printed: string }> {
  const log = console.log;
  let printed = "";
  console.log = (...args: unknown[]) => void (printed += `${args.join(" ")}\n`);
  try {
    return { code: await main(argv), printed };
  } finally {
    console.log = log;
  }
}

/** True when the command's own parser accepts `--flag` (as a string option or as a boolean one). */
async function acceptsFlag(command: string, flag: string): Promise<boolean> {
  for (const form of [`--${flag}=x`, `--${flag}`]) {
    try {
      if ((await quietly([command, form, "--help"])).code === 0) return true;
    } catch {
      /* the other form, or not a flag of this command */
    }
  }
  return false;
}

async function checkReference(ref: Reference): Promise<void> {
  assert.ok(ref.command in COMMANDS, `${ref.where}: \`visor-db ${ref.command}\` is not a command`);
  if (ref.subcommand) {
    // Running a subcommand could start something: its list comes from the command's own usage error.
    const usage = await quietly([ref.command]).then(
      () => "",
      (err: Error) => err.message,
    );
    assert.match(
      usage,
      new RegExp(`must be one of .*\\b${ref.subcommand}\\b`),
      `${ref.where}: visor-db ${ref.command} ${ref.subcommand}`,
    );
    assert.deepEqual(ref.flags, [], `${ref.where}: flags of a subcommand are not checked here`);
    return;
  }
  if (!ref.flags.length) return;
  const help = (await quietly([ref.command, "--help"])).printed;
  for (const flag of ref.flags) {
    assert.ok(await acceptsFlag(ref.command, flag), `${ref.where}: visor-db ${ref.command} does not accept --${flag}`);
    assert.match(help, new RegExp(`--${flag}\\b`), `${ref.where}: visor-db ${ref.command} --help does not document --${flag}`);
  }
}

const REMEDIES: [string, string][] = [
  ...Object.entries(SMOKE_REMEDIES).map(([k, v]): [string, string] => [`SMOKE_REMEDIES.${k}`, v]),
  ...Object.entries(CONNECT_REMEDIES).map(([k, v]): [string, string] => [`CONNECT_REMEDIES.${k}`, v]),
  ...Object.entries(SCHEMA_REMEDIES).map(([k, v]): [string, string] => [`SCHEMA_REMEDIES.${k}`, v]),
  ["OPTIONAL_COLUMN_NOTE", OPTIONAL_COLUMN_NOTE],
];

test("each remedy that names a command names one that exists, with flags its parser accepts and its usage documents", async () => {
  const refs = REMEDIES.flatMap(([where, text]) => referencesIn(text, where));
  assert.ok(refs.length >= 8, `the remedies name commands (found ${refs.length})`);
  for (const ref of refs) {
    assert.ok(
      ref.flags.length > 0,
      `${ref.where}: a remedy naming \`visor-db ${ref.command}\` also says how to point it (a flag)`,
    );
    await checkReference(ref);
  }
});

test("the checker catches a command or flag that does not exist", async () => {
  const [noCommand] = referencesIn("run `visor-db repair --url <url>`", "negative");
  await assert.rejects(checkReference(noCommand!), /`visor-db repair` is not a command/);
  const [noFlag] = referencesIn("run `visor-db inspect --fix`", "negative");
  await assert.rejects(checkReference(noFlag!), /visor-db inspect does not accept --fix/);
});

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

test("every `visor-db …` a message in components/ or scripts/ tells the user to run exists, with its flags", async () => {
  // Messages only: comments describe the code, they are not printed.
  const messages = (file: string) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
      .join("\n");
  const refs = [...sources("components"), ...sources("scripts")].flatMap((file) =>
    referencesIn(messages(file), file.slice(ROOT.length + 1)),
  );
  assert.ok(
    refs.some((r) => r.where.startsWith("scripts/")),
    "the scan reaches the CLI's own messages",
  );
  for (const ref of refs) await checkReference(ref);
});

test("--via-lambda and --region: accepted and documented by setup, bootstrap, smoke and inspect", async () => {
  for (const command of ["setup", "bootstrap", "smoke", "inspect"]) {
    const [ref] = referencesIn(`\`visor-db ${command} --via-lambda <name> --region <region>\``, `${command} runner flags`);
    await checkReference(ref!);
  }
  // Only for the runner: --region alone is a usage error naming the flag it belongs to.
  await assert.rejects(
    main(["inspect", "--url", "postgresql://u@127.0.0.1/visor", "--region", "us-east-1"]),
    /--region is only for --via-lambda/,
  );
  await assert.rejects(
    main(["inspect", "--url", "postgresql://u@127.0.0.1/visor", "--via-lambda", "bad name!"]),
    /visor-db inspect: --via-lambda must be a Lambda function name or ARN/,
  );
});
