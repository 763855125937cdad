// Issue 16's rules as data: AWS Backup schedules against RDS's windows over a whole week, Fargate's pairs,
// apply methods, the instance memory tables, Aurora's own memory sizing, image pulls through ECR.
import { MINIMAL, one, setupAwsMocks } from "./helpers";
setupAwsMocks();

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateAwsArgs } from "../../components/aws";
import { FARGATE_MEMORY, STATIC_PARAMETERS } from "../../components/aws/defaults";
import { AURORA_INSTANCE_MEMORY_GIB, RDS_INSTANCE_MEMORY_GIB } from "../../components/aws/instance-classes";
import { cronStarts, dailyWindow, everyDay, noStartZone, overlaps, weeklyWindow } from "../../components/aws/windows";
import { make, params } from "./options-support";

const env = { region: "us-east-1" };

test("the default AWS Backup rules, as data: no start in the hour before or during either RDS window, never together", () => {
  const r = validateAwsArgs(MINIMAL, env);
  assert.ok(r.awsBackup);
  const zones = [...everyDay(dailyWindow(r.backupWindow)!), weeklyWindow(r.maintenanceWindow)!].map(noStartZone);
  const daily = cronStarts(r.awsBackup.dailySchedule)!.map((start) => ({ start, minutes: 60 }));
  const weekly = cronStarts(r.awsBackup.weeklySchedule)!.map((start) => ({ start, minutes: 60 }));
  assert.equal(daily.length, 7);
  assert.equal(weekly.length, 1);
  for (const s of [...daily, ...weekly]) assert.ok(!zones.some((z) => overlaps(s, z)), `start ${s.start}`);
  for (const w of weekly) assert.ok(!daily.some((d) => overlaps(w, d)), "weekly and daily start windows never overlap");
  // Should AWS Backup ever merge them, it keeps the longer-retained: the weekly one, with the offsite copy.
  assert.ok(r.awsBackup.weeklyLocalRetentionDays > r.awsBackup.dailyRetentionDays);
  assert.equal(r.awsBackup.weeklyLocalRetentionDays, 90);
  // The maintenance and backup windows never overlap either.
  assert.ok(!everyDay(dailyWindow(r.backupWindow)!).some((d) => overlaps(d, weeklyWindow(r.maintenanceWindow)!)));
});

test("schedules parse into minutes of the UTC week; windows wrap around midnight and the week", () => {
  assert.deepEqual(cronStarts("cron(0 10 ? * SUN *)"), [600]);
  assert.deepEqual(cronStarts("cron(30 2,14 ? * MON-WED *)"), [1590, 2310, 3030, 3750, 4470, 5190]);
  assert.deepEqual(cronStarts("cron(0 5 ? * 7 *)"), [6 * 1440 + 300]);
  assert.equal(cronStarts("cron(0/15 * ? * * *)"), undefined);
  assert.deepEqual(dailyWindow("23:45-00:15"), { start: 1425, minutes: 30 });
  const satToSun = weeklyWindow("sat:23:30-sun:00:30")!;
  assert.equal(satToSun.minutes, 60);
  assert.ok(overlaps(satToSun, { start: 0, minutes: 10 }), "Sunday 00:00 is inside a Saturday-night window");
  assert.ok(!overlaps({ start: 300, minutes: 60 }, { start: 360, minutes: 60 }), "touching is not overlapping");
  // The hour before a window at Sunday 00:30 reaches back into Saturday.
  assert.deepEqual(noStartZone({ start: 30, minutes: 30 }), { start: 7 * 1440 - 30, minutes: 90 });
});

test("AWS Backup may be placed anywhere clear: Aurora ignores the maintenance window, RDS does not", () => {
  const weekly = { weeklySchedule: "cron(30 6 ? * SUN *)" };
  assert.throws(() => validateAwsArgs({ ...MINIMAL, awsBackup: weekly }, env), /maintenanceWindow/);
  const aurora = validateAwsArgs({ ...MINIMAL, engine: "aurora", awsBackup: weekly }, env);
  assert.equal(aurora.awsBackup && aurora.awsBackup.weeklySchedule, "cron(30 6 ? * SUN *)");
});

test("Fargate: memory defaults to the smallest valid value for the CPU, every pair AWS lists is accepted", () => {
  const pooler = (poolerSettings: object) => validateAwsArgs({ ...MINIMAL, poolerSettings }, env).pooler;
  assert.deepEqual([pooler({ cpu: 1024 }).cpu, pooler({ cpu: 1024 }).memory], [1024, 2048]);
  for (const [cpu, memories] of Object.entries(FARGATE_MEMORY)) {
    assert.equal(pooler({ cpu: Number(cpu) }).memory, memories[0]);
    for (const memory of memories) assert.equal(pooler({ cpu: Number(cpu), memory }).memory, memory);
  }
  assert.deepEqual(FARGATE_MEMORY[4096]!.slice(-2), [29_696, 30_720]);
  assert.equal(FARGATE_MEMORY[512]!.length, 4);
});

test("instance memory tables: Aurora has no db.m* and only medium/large burstables; RDS has both", () => {
  assert.ok(!Object.keys(AURORA_INSTANCE_MEMORY_GIB).some((c) => c.startsWith("db.m")));
  assert.deepEqual(
    Object.keys(AURORA_INSTANCE_MEMORY_GIB).filter((c) => /^db\.t/.test(c)),
    ["db.t3.medium", "db.t3.large", "db.t4g.medium", "db.t4g.large"],
  );
  assert.deepEqual(
    ["db.t4g.micro", "db.m7g.large", "db.r7g.large", "db.r6i.32xlarge"].map((c) => RDS_INSTANCE_MEMORY_GIB[c]),
    [1, 8, 16, 1024],
  );
  const r = validateAwsArgs({ ...MINIMAL, instanceClass: "db.r7g.large" }, env);
  assert.deepEqual([r.base.tuning.sharedBuffers, r.base.tuning.effectiveCacheSize], [4 * 1024 ** 3, 8 * 1024 ** 3]);
  // An explicit value keeps winning.
  const own = validateAwsArgs({ ...MINIMAL, instanceClass: "db.r7g.large", tuning: { sharedBuffers: "1GB" } }, env);
  assert.equal(own.base.tuning.sharedBuffers, 1024 ** 3);
});

describe("built", { concurrency: true }, () => {
  test("Aurora: shared_buffers and effective_cache_size left to Aurora unless set, then sent as set", async () => {
    await make("aurown", { engine: "aurora", instanceClass: "db.r7g.large", tuning: { sharedBuffers: "8GB" } });
    const inst = params("aurown", "aws:rds/parameterGroup:ParameterGroup", "aurown-params");
    assert.equal(inst.shared_buffers, String((8 * 1024 ** 3) / 8192));
    assert.equal(inst.effective_cache_size, undefined, "still Aurora's formula");
  });

  test("apply methods: static pending-reboot, the rest immediate, a raw { value, applyMethod } as chosen", async () => {
    await make("apm", {
      parameters: {
        log_min_duration_statement: "500",
        max_locks_per_transaction: "128",
        work_mem: { value: "8192", applyMethod: "pending-reboot" },
        timezone: { value: "UTC" },
      },
    });
    const p = Object.fromEntries(
      (one("apm", "aws:rds/parameterGroup:ParameterGroup", "apm-params").inputs.parameters as Record<string, string>[]).map(
        (x) => [x.name, [x.value, x.applyMethod]],
      ),
    );
    assert.deepEqual(p.log_min_duration_statement, ["500", "immediate"]);
    assert.deepEqual(p.max_locks_per_transaction, ["128", "pending-reboot"]);
    assert.deepEqual(p.work_mem, ["8192", "pending-reboot"]);
    assert.deepEqual(p.timezone, ["UTC", "immediate"]);
    for (const name of ["shared_buffers", "max_connections", "wal_buffers", "shared_preload_libraries"])
      assert.ok(STATIC_PARAMETERS.has(name), name);
  });

  test("image pulls: an ECR pull-through cache image lets the execution role import it; Docker Hub gets no grant", async () => {
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/edoburu/pgbouncer:1.23.1-p2";
    await make("ecr", { poolerSettings: { image } });
    const policy = JSON.parse(String(one("ecr", "aws:iam/rolePolicy:RolePolicy", "ecr-pgbouncer-pull-through").inputs.policy));
    assert.deepEqual(policy.Statement, [
      {
        Effect: "Allow",
        Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        Resource: ["arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/edoburu/pgbouncer"],
      },
    ]);
    const [container] = JSON.parse(
      String(one("ecr", "aws:ecs/taskDefinition:TaskDefinition", "ecr-pgbouncer").inputs.containerDefinitions),
    );
    assert.equal(container.image, image);
    await make("hub", {});
    assert.throws(() => one("hub", "aws:iam/rolePolicy:RolePolicy", "hub-pgbouncer-pull-through"));
  });
});
