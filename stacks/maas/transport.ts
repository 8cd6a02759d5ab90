/**
 * How the MAAS client sends a request. The default is node:http(s) with a keep-alive agent: one
 * socket per in-flight slot, reused, and no WHATWG streams or Headers objects per request. Measured
 * side by side with fetch (bench/maas), it costs the client less than half the CPU per request, which
 * is what a fleet's wall time is made of once polls are coalesced. `fetch` stays available (tests,
 * or a proxy-aware fetch injected by the caller).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface Reply {
  readonly status: number;
  header(name: string): string | undefined;
  text(): Promise<string>;
}

export interface Outgoing {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** Resolves once the status line and headers are in; `text()` reads the body. */
export type Transport = (url: string, request: Outgoing) => Promise<Reply>;

export function fetchTransport(doFetch: typeof fetch): Transport {
  return async (url, request) => {
    const response = await doFetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text: () => response.text(),
    };
  };
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('the answer was cut off')));
  });
}

/** `scheme://host[:port]/path` split without a WHATWG URL object (a measurable share per request). */
function parseTarget(url: string): { protocol: string; hostname: string; port: number; path: string } {
  const m = /^(https?:)\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (!m) throw new Error(`not an http(s) URL: ${url}`);
  const port = m[3] === undefined ? (m[1] === 'https:' ? 443 : 80) : Number(m[3]);
  return { protocol: m[1], hostname: m[2].replace(/^\[|\]$/g, ''), port, path: m[4] ?? '/' };
}

/** node:http or node:https by the URL's scheme, on keep-alive agents of `maxSockets` sockets. */
export function httpTransport(maxSockets: number): Transport {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets }),
  };
  return (url, request) =>
    new Promise<Reply>((resolve, reject) => {
      const target = parseTarget(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const req = send(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          method: request.method,
          headers,
          agent: agents[target.protocol as 'http:' | 'https:'],
        },
        (response) => {
          const body = readBody(response);
          // Read whether or not the caller asks, so the socket goes back to the agent.
          body.catch(() => undefined);
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : value;
            },
            text: () => body,
          });
        },
      );
      // One listener, not http.request's `signal` option: that wires the signal into the stream's
      // end-of-stream machinery, a third of this transport's CPU per request when measured.
      const abort = () => req.destroy(Object.assign(new Error('aborted'), { cause: request.signal.reason }));
      request.signal.addEventListener('abort', abort, { once: true });
      req.on('close', () => request.signal.removeEventListener('abort', abort));
      req.on('error', reject);
      req.end(request.body);
    });
}
