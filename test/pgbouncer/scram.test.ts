import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";

import { isMd5Verifier, md5Verifier, parseScramVerifier, scramSha256Verifier } from "../../components/pgbouncer";

// RFC 5802 written out with HMAC only, so the expected values do not share
// the implementation's pbkdf2Sync code path.
const hmac = (key: Buffer, data: string | Buffer) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((byte, i) => byte ^ b[i]));

/** Hi(str, salt, i) from RFC 5802 section 2.2. */
function hi(password: string, salt: Buffer, iterations: number): Buffer {
  let u = hmac(Buffer.from(password, "utf8"), Buffer.concat([salt, Buffer.from([0, 0, 0, 1])]));
  let result = u;
  for (let i = 1; i < iterations; i++) {
    u = hmac(Buffer.from(password, "utf8"), u);
    result = xor(result, u);
  }
  return result;
}

function expectedVerifier(password: string, saltB64: string, iterations: number): string {
  const salt = Buffer.from(saltB64, "base64");
  const saltedPassword = hi(password, salt, iterations);
  const clientKey = hmac(saltedPassword, "Client Key");
  const storedKey = sha256(clientKey);
  const serverKey = hmac(saltedPassword, "Server Key");
  return `SCRAM-SHA-256$${iterations}:${saltB64}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

describe("scramSha256Verifier", () => {
  it("matches the RFC 5802 formulas composed step by step", () => {
    const salt = "QSXCR+Q6sek8bf92";
    const actual = scramSha256Verifier("pencil", { salt: Buffer.from(salt, "base64"), iterations: 4096 });
    assert.equal(actual, expectedVerifier("pencil", salt, 4096));
    assert.match(actual, /^SCRAM-SHA-256\$4096:QSXCR\+Q6sek8bf92\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
  });

  it("reproduces the RFC 7677 exchange from its StoredKey and ServerKey", () => {
    const clientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    const serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    const clientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
    assert.equal(
      authMessage,
      "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
        "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    );

    const verifier = scramSha256Verifier("pencil", {
      salt: Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
      iterations: 4096,
    });
    const { storedKey, serverKey } = parseScramVerifier(verifier);

    // What the server sends in server-final-message "v=…" (RFC 7677 section 3).
    assert.equal(hmac(serverKey, authMessage).toString("base64"), "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");

    // What the server checks on the RFC's client proof, using only the verifier.
    const clientProof = Buffer.from("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "base64");
    const clientKey = xor(clientProof, hmac(storedKey, authMessage));
    assert.deepEqual(sha256(clientKey), storedKey);
  });

  it("reproduces verifiers PostgreSQL 15.18 stored in pg_authid", () => {
    // Captured with ALTER ROLE … PASSWORD '<pw>'; SELECT rolpassword FROM pg_authid.
    const fromServer: [string, string][] = [
      [
        "pencil",
        "SCRAM-SHA-256$4096:x8qryUXOIcyv1P1fDFudBw==$P/e+yu6vwLge8uAp8V2SEwob4Zw8TTlj6q3RLLze6hk=:GuBvF09Jxt8lG67jHzF7TfVy3kD2EbVe5MvRmlyUk8k=",
      ],
      [
        "päss wörd",
        "SCRAM-SHA-256$4096:V/ZaxiNXXSJYFPd6cKazqw==$CKCd+kXSnqz6VmnXP/lQdGUMnof6pBT12h2HRyM6jxU=:TUsFiT7J3Gs6jJY4kulblYkg525BE/v+q23wqUDvyFo=",
      ],
    ];
    for (const [password, stored] of fromServer) {
      const { salt, iterations } = parseScramVerifier(stored);
      assert.equal(scramSha256Verifier(password, { salt, iterations }), stored, password);
    }
  });

  it("defaults to 4096 iterations and a fresh 16-byte salt", () => {
    const a = parseScramVerifier(scramSha256Verifier("pencil"));
    const b = parseScramVerifier(scramSha256Verifier("pencil"));
    assert.equal(a.iterations, 4096);
    assert.equal(a.salt.length, 16);
    assert.notDeepEqual(a.salt, b.salt);
  });

  it("NFKC-normalises non-ASCII passwords (SASLprep approximation)", () => {
    const salt = Buffer.alloc(16, 7);
    assert.equal(scramSha256Verifier("cafe\u0301", { salt }), scramSha256Verifier("caf\u00e9", { salt }));
    assert.equal(scramSha256Verifier("ｐａｓｓ１", { salt }), scramSha256Verifier("pass1", { salt }));
    assert.notEqual(scramSha256Verifier("pass1", { salt }), scramSha256Verifier("pass2", { salt }));
  });

  it("rejects bad input without putting the password in the message", () => {
    const password = "hunter2-very-secret";
    for (const opts of [{ iterations: 0 }, { iterations: 1.5 }, { salt: Buffer.alloc(0) }]) {
      assert.throws(
        () => scramSha256Verifier(password, opts),
        (err: Error) => !err.message.includes(password) && /iterations|salt/.test(err.message),
      );
    }
    assert.throws(() => scramSha256Verifier(""), /non-empty/);
  });
});

describe("parseScramVerifier", () => {
  it("decodes the four fields", () => {
    const salt = Buffer.from("0123456789abcdef");
    const parts = parseScramVerifier(scramSha256Verifier("pencil", { salt, iterations: 10 }));
    assert.equal(parts.iterations, 10);
    assert.deepEqual(parts.salt, salt);
    assert.equal(parts.storedKey.length, 32);
    assert.equal(parts.serverKey.length, 32);
  });

  it("rejects malformed verifiers without echoing them", () => {
    const good = scramSha256Verifier("pencil");
    const bad = [
      "md592393812f403d256cd07b05461479c1a",
      good.replace("SCRAM-SHA-256", "SCRAM-SHA-1"),
      good.replace("$4096:", "$0:"),
      good.slice(0, -8),
      `${good}:extra`,
    ];
    for (const v of bad) {
      assert.throws(
        () => parseScramVerifier(v),
        (err: Error) => /not a PostgreSQL SCRAM-SHA-256 verifier/.test(err.message) && !err.message.includes(v),
        v,
      );
    }
  });
});

describe("md5Verifier", () => {
  it('is "md5" + md5hex(password + user)', () => {
    // pgbouncer's docs: user admin, password 1234; recomputed here by hand.
    assert.equal("md5" + createHash("md5").update("1234admin").digest("hex"), "md545f2603610af569b6155c45067268c6b");
    assert.equal(md5Verifier("admin", "1234"), "md545f2603610af569b6155c45067268c6b");
    // Captured from PostgreSQL 15.18 with password_encryption = md5.
    assert.equal(md5Verifier("r", "pencil"), "md592393812f403d256cd07b05461479c1a");
    assert.ok(isMd5Verifier(md5Verifier("admin", "1234")));
    assert.ok(!isMd5Verifier(scramSha256Verifier("1234")));
  });

  it("rejects empty input without the password in the message", () => {
    assert.throws(
      () => md5Verifier("", "s3cret-value"),
      (err: Error) => !err.message.includes("s3cret-value"),
    );
    assert.throws(() => md5Verifier("admin", ""), /password must be a non-empty string/);
  });
});
