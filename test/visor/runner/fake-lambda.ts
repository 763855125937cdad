// A local stand-in for Lambda's Invoke API on 127.0.0.1 (POST /2015-03-31/functions/{name}/invocations)
// that runs the built runner bundle, as Lambda's Node.js runtime would: a returned value is the 200 body;
// a thrown error is a 200 with `X-Amz-Function-Error: Unhandled` and Lambda's {errorType, errorMessage}.
// Function names script the failures around it:
//   denied-N-…   the first N invokes answer 403 AccessDeniedException (IAM still propagating)
//   notready-N-… the first N invokes answer 502 ResourceNotReadyException (network interfaces being made)
//   pending-N-…  the first N invokes answer 409 ResourceConflictException, the function still Pending
//   hang-…       never answers
//   oversized-…  answers a body over Lambda's 6 MB synchronous limit
//   toolarge-…   answers Lambda's own Function.ResponseSizeTooLarge function error
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname } from "node:path";
import { isolatedBundle } from "./bundle-support";

export interface FakeLambda {
  endpoint: string;
  /** Every invoke received: function name, invocation type header, payload bytes. */
  calls: { functionName: string; invocationType?: string; bytes: number }[];
  close(): Promise<void>;
}

function runBundle(payload: string): Promise<{ code: number | null; stdout: string }> {
  const bundle = isolatedBundle();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [bundle], { cwd: dirname(bundle), env, stdio: ["pipe", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stdin.end(payload);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout }));
  });
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify({ Type: "User", message }));
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

export async function startFakeLambda(): Promise<FakeLambda> {
  const calls: FakeLambda["calls"] = [];
  const seen = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split("?")[0] ?? "");
      const payload = await body(req);
      if (req.method !== "POST" || !match) return awsError(res, 404, "ResourceNotFoundException", "not an invoke");
      const functionName = decodeURIComponent(match[1]!);
      const invocationType = req.headers["x-amz-invocation-type"] as string | undefined;
      calls.push({ functionName, invocationType, bytes: Buffer.byteLength(payload) });
      const n = (seen.get(functionName) ?? 0) + 1;
      seen.set(functionName, n);
      const scripted = /^(denied|notready|pending)-(\d+)-/.exec(functionName);
      if (scripted && n <= Number(scripted[2])) {
        if (scripted[1] === "denied")
          return awsError(
            res,
            403,
            "AccessDeniedException",
            `User is not authorized to perform: lambda:InvokeFunction on ${functionName}`,
          );
        if (scripted[1] === "notready")
          return awsError(res, 502, "ResourceNotReadyException", "Lambda is trying to create network interfaces in the VPC");
        return awsError(
          res,
          409,
          "ResourceConflictException",
          "The operation cannot be performed at this time. The function is currently in the following state: Pending",
        );
      }
      if (functionName.startsWith("hang-")) {
        hanging.add(res);
        return;
      }
      if (functionName.startsWith("oversized-")) {
        res.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST" });
        return res.end(JSON.stringify({ padding: "x".repeat(6 * 1024 * 1024 + 16) }));
      }
      if (functionName.startsWith("toolarge-")) {
        res.writeHead(200, { "x-amz-function-error": "Unhandled", "x-amz-executed-version": "$LATEST" });
        return res.end(
          JSON.stringify({
            errorType: "Function.ResponseSizeTooLarge",
            errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
          }),
        );
      }
      const run = await runBundle(payload);
      const headers: Record<string, string> = { "content-type": "application/json", "x-amz-executed-version": "$LATEST" };
      // Exit 2 is the runner's thrown error: Lambda reports it as an unhandled function error.
      if (run.code === 2) headers["x-amz-function-error"] = "Unhandled";
      res.writeHead(200, headers);
      res.end(run.stdout.trim());
    })().catch((err: unknown) => awsError(res, 500, "ServiceException", String(err)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Fake credentials and region for the SDK (it signs every request; the fake endpoint ignores it). */
export function fakeAwsEnvironment(): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: "AKIAFAKEFORLOCALTESTS",
    AWS_SECRET_ACCESS_KEY: "fake-secret-for-local-tests",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
