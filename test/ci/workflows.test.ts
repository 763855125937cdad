// The GitHub workflows we ship run: every `run:` step calls a command that exists in a fresh clone after
// `npm ci`, and the steps are executed here, in a fresh copy of the repository, for every matrix entry.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { freshClone, repositoryFiles, runNpmInstallScripts, type FreshClone } from "./fresh-clone";

const root = join(__dirname, "..", "..");
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { strategy?: { matrix: Record<string, unknown[]> }; steps: Step[]; services?: Record<string, unknown> };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

const WORKFLOW_DIR = join(root, ".github", "workflows");
const load = (f: string) => parse(readFileSync(join(WORKFLOW_DIR, f), "utf8")) as Workflow;
const workflows = readdirSync(WORKFLOW_DIR).filter((f) => f.endsWith(".yml"));
const packageScripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;

/** The actions a job may use: the runner's checkout and Node setup (emulated here) and Pulumi's (not run). */
const KNOWN_ACTIONS = /^(actions\/checkout|actions\/setup-node|pulumi\/actions)@v\d+$/;
/** `npm ci` is replaced by a link to this checkout's node_modules plus the install scripts npm ci runs. */
const NPM_CI = "npm ci";
/** .ci/run is the whole CI run, `npm test` included: the suite executing it would run itself again. */
const RUNS_THE_SUITE = /\bbash \.ci\/run$/;

let shared: FreshClone | undefined;
const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((fn) => fn()));
/** One fresh clone for every workflow, made when the first step needs it. */
function clone(): FreshClone {
  if (!shared) {
    shared = freshClone({ after: (fn) => cleanups.push(fn) });
    runNpmInstallScripts(shared);
  }
  return shared;
}

/** Every combination of a job's matrix (one empty combination without a matrix). */
function matrixEntries(job: Job): Record<string, string>[] {
  let entries: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(job.strategy?.matrix ?? {})) {
    entries = entries.flatMap((e) => values.map((v) => ({ ...e, [key]: String(v) })));
  }
  return entries;
}

function substitute(text: string, matrix: Record<string, string>): string {
  const out = text.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, k: string) => {
    assert.ok(k in matrix, `matrix.${k} is not in the job's matrix`);
    return matrix[k]!;
  });
  assert.doesNotMatch(out, /\$\{\{/, `a run step uses an expression this test cannot supply: ${out}`);
  return out;
}

/** The command a `run:` line starts with exists in a fresh clone after `npm ci`. */
function assertCommandExists(run: string): void {
  for (const line of run.split("\n").filter((l) => l.trim())) {
    assert.doesNotMatch(line, /(^|[;&|]\s*)npx\s/, `"${line}": npx may fetch a same-named package from the registry`);
    const npmRun = /^npm run ([\w:-]+)/.exec(line);
    if (npmRun) assert.ok(packageScripts[npmRun[1]!], `"${line}": package.json has no script ${npmRun[1]}`);
    const file = /^(?:sudo(?: --?[\w=-]+)* )?(?:bash|node) ([\w./-]+)/.exec(line);
    if (file)
      assert.ok(
        file[1]!.startsWith("dist/") ? existsSync(join(clone().dir, file[1]!)) : repositoryFiles().includes(file[1]!),
        `"${line}": ${file[1]} does not exist in a fresh clone after npm ci`,
      );
    assert.ok(line === NPM_CI || npmRun || file, `"${line}": not an npm script, npm ci, or a file of the repository`);
  }
}

for (const file of workflows) {
  test(`${file}: every run step exists in a fresh clone after npm ci, and runs there`, { timeout: 600_000 }, () => {
    for (const [jobName, job] of Object.entries(load(file).jobs)) {
      assert.deepEqual(job.services ?? {}, {}, `${jobName}: the suite starts its own servers; no service container`);
      for (const step of job.steps) {
        if (step.uses) {
          assert.match(step.uses, KNOWN_ACTIONS, `${jobName}: unexpected action ${step.uses}`);
          continue;
        }
        assert.ok(step.run, `${jobName}: a step with neither uses nor run`);
        assertCommandExists(step.run);
        if (step.run === NPM_CI || RUNS_THE_SUITE.test(step.run)) continue;
        for (const matrix of matrixEntries(job)) {
          const script = substitute(step.run, matrix);
          const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), matrix)]));
          // GitHub's default shell on Linux, with setup-node's Node (this checkout's Node 22) first on PATH.
          const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            cwd: clone().dir,
            encoding: "utf8",
            env: { ...process.env, ...env, PATH: clone().path },
            timeout: 300_000,
          });
          assert.equal(r.status, 0, `${file} ${jobName} "${script}" failed:\n${r.stdout}\n${r.stderr}`);
        }
      }
    }
  });
}

test("preview.yml: pull requests, Node 22, the offline plan, then pulumi preview with comment-on-pr and the policy pack", () => {
  const job = load("preview.yml").jobs.preview!;
  assert.deepEqual([...(job.strategy!.matrix.stack as string[])].sort(), ["aws-prod", "azure-prod", "gcp-prod", "local"]);
  for (const stack of job.strategy!.matrix.stack as string[])
    assert.ok(existsSync(join(root, "stacks", `Pulumi.${stack}.yaml`)), stack);
  assert.equal(String(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]), "22");
  const preview = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
  assert.equal(preview?.uses, "pulumi/actions@v7", "the current major of pulumi/actions");
  assert.equal(preview?.with?.command, "preview");
  assert.equal(preview?.with?.["comment-on-pr"], true);
  assert.equal(preview?.with?.policyPacks, "policy");
  assert.ok(existsSync(join(root, String(preview?.with?.policyPacks), "PulumiPolicy.yaml")), "the policy pack directory");
  const plan = job.steps.findIndex((s) => /\bvisor-db\b.* plan --stack \$\{\{ matrix\.stack \}\}/.test(s.run ?? ""));
  assert.ok(plan >= 0 && plan < job.steps.indexOf(preview!), "the offline plan runs before the preview");
});

test("test.yml: Node 22 and the project's CI script, which runs README's test command", () => {
  const job = load("test.yml").jobs.test!;
  assert.equal(String(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]), "22");
  const ci = job.steps.find((s) => s.run && RUNS_THE_SUITE.test(s.run));
  assert.ok(ci, "a step runs .ci/run");
  const r = spawnSync("bash", ["-n", join(root, ".ci", "run")], { encoding: "utf8" });
  assert.equal(r.status, 0, `.ci/run is not valid bash: ${r.stderr}`);
  assert.match(readFileSync(join(root, ".ci", "run"), "utf8"), /npm ci\b/, ".ci/run installs from the lockfile");
});
