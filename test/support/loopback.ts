import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { freePort } from './http';

export { freePort };

/**
 * Servers on 127.0.0.1 that the real programs under test deliver to: an HTTP sink for webhooks
 * (Slack, paging, dead man's switch) and a minimal SMTP sink. Loopback only, by construction.
 */
export const LOOPBACK = '127.0.0.1';

export interface ReceivedRequest {
  readonly path: string;
  readonly body: string;
  readonly at: number;
}

/** Records every request it receives and answers 200. */
export class HttpSink {
  public readonly requests: ReceivedRequest[] = [];
  private readonly server: HttpServer;
  private listeningPort = 0;

  private constructor() {
    this.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  public static async start(): Promise<HttpSink> {
    const sink = new HttpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, LOOPBACK, resolve));
    sink.listeningPort = (sink.server.address() as AddressInfo).port;
    return sink;
  }

  public get port(): number {
    return this.listeningPort;
  }

  public url(path: string): string {
    return `http://${LOOPBACK}:${this.port}${path}`;
  }

  /** The requests to `path`. */
  public to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedMail {
  /** `[identity, username, password]` of AUTH PLAIN, when the client authenticated. */
  readonly auth?: readonly [string, string, string];
  readonly from: string;
  readonly to: readonly string[];
  readonly data: string;
  readonly at: number;
}

/**
 * A minimal SMTP server (RFC 5321 subset: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
 * that accepts every message. It offers AUTH PLAIN, which Go's SMTP client uses without TLS only
 * towards 127.0.0.1, and no STARTTLS.
 */
export class SmtpSink {
  public readonly mails: ReceivedMail[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: TcpServer;
  private listeningPort = 0;

  private constructor() {
    this.server = createTcpServer((socket) => this.session(socket));
  }

  public static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, LOOPBACK, resolve));
    sink.listeningPort = (sink.server.address() as AddressInfo).port;
    return sink;
  }

  public get port(): number {
    return this.listeningPort;
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let inData = false;
    let mail: { auth?: readonly [string, string, string]; from: string; to: string[] } = { from: '', to: [] };
    let auth: readonly [string, string, string] | undefined;
    reply('220 localhost ESMTP test sink');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          this.mails.push({ ...mail, ...(auth ? { auth } : {}), data: buffer.slice(0, end), at: Date.now() });
          buffer = buffer.slice(end + 5);
          inData = false;
          mail = { from: '', to: [] };
          reply('250 OK queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          socket.write('250-localhost\r\n250-AUTH PLAIN\r\n250 SIZE 10485760\r\n');
        } else if (verb === 'AUTH') {
          const [, mechanism, initial] = line.split(' ');
          if (mechanism?.toUpperCase() !== 'PLAIN' || !initial) {
            reply('504 only AUTH PLAIN with an initial response');
            continue;
          }
          const parts = Buffer.from(initial, 'base64').toString('utf8').split('\0');
          auth = [parts[0] ?? '', parts[1] ?? '', parts[2] ?? ''];
          reply('235 Authentication successful');
        } else if (verb === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 OK');
        } else if (verb === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET' || verb === 'NOOP') {
          reply('250 OK');
        } else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
          return;
        } else {
          reply('502 Command not implemented');
        }
      }
    });
  }

  public async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `condition` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
