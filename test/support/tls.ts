import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { run } from './programs';

export interface TestCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly ca: string;
}

/**
 * A throw-away CA and a server certificate signed by it, made with the real openssl, valid for
 * 127.0.0.1, localhost and `names` (the in-cluster Service names clients check).
 */
export function makeCertificates(dir: string, names: readonly string[]): TestCertificates {
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const sh = (args: string[]) => {
    const result = run('openssl', args, dir);
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  sh([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=liquid-audio-nets test CA',
  ]);
  sh(['req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=localhost']);
  const san = ['IP:127.0.0.1', 'DNS:localhost', ...names.map((n) => `DNS:${n}`)].join(',');
  writeFileSync(join(dir, 'san.cnf'), `subjectAltName=${san}\n`);
  sh([
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'san.cnf',
  ]);
  return {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
  };
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** Sends a prepared request and collects the answer; rejects when the connection fails or stalls. */
function answer(url: string, send: (onResponse: (res: IncomingMessage) => void) => ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = send((res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

/** GET over HTTPS, verifying the server with `ca`, with basic auth when given. */
export function httpsGet(url: string, ca: string, auth?: { username: string; password: string }): Promise<Answer> {
  return answer(url, (onResponse) =>
    request(
      url,
      { ca, method: 'GET', ...(auth ? { auth: `${auth.username}:${auth.password}` } : {}), timeout: 5000 },
      onResponse,
    ),
  );
}

/** GET over plain HTTP; rejects when the connection fails. */
export function httpGet(url: string): Promise<Answer> {
  return answer(url, (onResponse) => httpRequest(url, { timeout: 5000 }, onResponse));
}
