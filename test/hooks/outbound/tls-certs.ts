// A throwaway self-signed certificate for the loopback TLS servers of the outbound tests,
// made by the openssl binary (Node cannot issue X.509 certificates itself).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=rampart-test',
      '-addext', 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost,DNS:public.test,DNS:internal.test,DNS:rebind.test',
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
