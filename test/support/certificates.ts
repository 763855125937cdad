// Throw-away certificates for TLS tests, made with openssl in a temp dir: CAs, CA-signed server
// certificates, and self-signed ones.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  certFile: string;
  keyFile: string;
  /** The certificate's PEM text. */
  pem: string;
}

export class TestCertificates {
  readonly dir = mkdtempSync(join(tmpdir(), "visor-certs-"));

  openssl(...args: string[]): void {
    execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] });
  }

  private files(name: string): CertFiles {
    const certFile = join(this.dir, `${name}.crt`);
    return { certFile, keyFile: join(this.dir, `${name}.key`), pem: readFileSync(certFile, "utf8") };
  }

  /** A self-signed RSA CA (`CA:TRUE`), or any self-signed certificate a client should not trust. */
  ca(name: string): CertFiles {
    this.openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=Visor test ${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    return this.files(name);
  }

  /** A server certificate for `san` (e.g. "DNS:localhost,IP:127.0.0.1") signed by the CA named `ca`. */
  serverCert(name: string, options: { cn: string; san: string; ca: string }): CertFiles {
    this.openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${options.cn}`,
    );
    writeFileSync(
      join(this.dir, `${name}.ext`),
      `subjectAltName=${options.san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
    );
    this.openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${options.ca}.crt`,
      "-CAkey",
      `${options.ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
    return this.files(name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
