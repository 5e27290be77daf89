/**
 * Local HTTP and HTTPS endpoints subscribed to SNS topics in moto: they record every POST as SNS delivers it
 * (a JSON notification envelope whose `Message` is the protocol's own rendering).
 *
 * HTTPS: a throw-away self-signed certificate for 127.0.0.1 made with openssl; moto_server (Python requests) is
 * told to trust it through REQUESTS_CA_BUNDLE, so the subscription is real TLS, verified.
 * See: https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html#http-notification-json
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopbackCertificate {
  readonly certFile: string;
  readonly cert: string;
  readonly key: string;
  dispose(): void;
}

/** A self-signed certificate for IP 127.0.0.1, valid for a day. */
export function makeLoopbackCertificate(): LoopbackCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-watch-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { encoding: 'utf8' },
  );
  if (run.error !== undefined || run.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make a loopback certificate: ${run.error?.message ?? run.stderr}`);
  }
  return {
    certFile,
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Delivery {
  readonly contentType: string;
  readonly messageType: string;
  /** The parsed notification envelope. */
  readonly envelope: Record<string, unknown>;
}

export interface Subscriber {
  /** The URL to subscribe (http://127.0.0.1:PORT/sns or https://...). */
  readonly url: string;
  readonly deliveries: Delivery[];
  close(): Promise<void>;
}

function recorder(deliveries: Delivery[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let envelope: Record<string, unknown>;
      try {
        envelope = JSON.parse(text) as Record<string, unknown>;
      } catch {
        envelope = { unparsable: text.slice(0, 500) };
      }
      deliveries.push({
        contentType: req.headers['content-type'] ?? '',
        messageType: String(req.headers['x-amz-sns-message-type'] ?? envelope.Type ?? ''),
        envelope,
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  };
}

async function listen(server: Server, scheme: 'http' | 'https'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `${scheme}://127.0.0.1:${address.port}/sns`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

export async function startHttpSubscriber(): Promise<Subscriber> {
  const deliveries: Delivery[] = [];
  const server = createHttpServer(recorder(deliveries));
  return { url: await listen(server, 'http'), deliveries, close: closer(server) };
}

export async function startHttpsSubscriber(certificate: LoopbackCertificate): Promise<Subscriber> {
  const deliveries: Delivery[] = [];
  const server = createHttpsServer({ cert: certificate.cert, key: certificate.key }, recorder(deliveries));
  return { url: await listen(server, 'https'), deliveries, close: closer(server) };
}
