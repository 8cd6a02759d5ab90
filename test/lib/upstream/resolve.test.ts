import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { absoluteMirrorEnv, crdPin, mirrorFor, readCrdLock } from '../../../lib/upstream/locks';
import { cachePath, resolvePinned, sha256, UpstreamError } from '../../../lib/upstream/resolve';
import { resolveCrdSources } from '../../../lib/validate/sources';
import { withTempDirAsync } from '../../support/site';

const mirror = mirrorFor('crds');
// CI sets the mirror (and OUCHI_E2E): there, a missing mirror is a failure, not a skip.
if (!mirror && process.env.OUCHI_E2E === '1')
  throw new Error('OUCHI_CRD_MIRROR is not set; the download tests need it');
const describeWithMirror = mirror ? describe : describe.skip;

/** A loopback HTTP server that serves the mirror under the upstream URL paths, optionally corrupting one. */
async function serveMirror(corrupt?: string): Promise<{ server: Server; base: string; requests: string[] }> {
  const byPath = new Map<string, string>();
  for (const entry of readCrdLock().crds) byPath.set(new URL(entry.url).pathname, crdPin(entry).mirrorPath);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const mirrorPath = byPath.get(req.url ?? '');
    if (!mirrorPath) {
      res.writeHead(404).end('not found');
      return;
    }
    let body = readFileSync(join(mirror!, mirrorPath));
    if (corrupt !== undefined && req.url === corrupt)
      body = Buffer.concat([body, Buffer.from('\n# tampered\n')]);
    res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** fetch that sends upstream URLs to the loopback server, as a proxy would. */
function redirectTo(base: string): typeof fetch {
  return (input) => fetch(`${base}${new URL(String(input)).pathname}`);
}

describeWithMirror('CRD download path (loopback server serving the mirror)', () => {
  it('downloads every pinned CRD, verifies it and caches it', async () => {
    const { server, base, requests } = await serveMirror();
    try {
      await withTempDirAsync(async (cache) => {
        const env = { OUCHI_CACHE: cache };
        const sources = await resolveCrdSources({ env, fetch: redirectTo(base) });
        const lock = readCrdLock();
        expect(sources).toHaveLength(lock.crds.length);
        for (const { entry, data } of sources) {
          expect(sha256(data)).toBe(entry.sha256);
          expect(existsSync(cachePath(crdPin(entry), cache))).toBe(true);
        }
        expect(requests).toHaveLength(lock.crds.length);
        // Second run: everything from the cache, no request.
        await resolveCrdSources({ env, fetch: redirectTo(base) });
        expect(requests).toHaveLength(lock.crds.length);
      });
    } finally {
      server.close();
    }
  });

  it('fails clearly on a sha256 mismatch and caches nothing', async () => {
    const entry = readCrdLock().crds.find((e) => e.component === 'metallb')!;
    const { server, base } = await serveMirror(new URL(entry.url).pathname);
    try {
      await withTempDirAsync(async (cache) => {
        const pin = crdPin(entry);
        const error = await resolvePinned(pin, { cache, fetch: redirectTo(base) }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^sha256 mismatch for ${entry.url.replace(/[.]/g, '\\.')} \\(read from ${entry.url.replace(/[.]/g, '\\.')}\\): expected ${entry.sha256}, got [0-9a-f]{64}\\. The file is not the pinned upstream version`,
          ),
        );
        expect(existsSync(cachePath(pin, cache))).toBe(false);
      });
    } finally {
      server.close();
    }
  });

  it('reports HTTP errors and unreachable servers with the URL', async () => {
    const { server, base } = await serveMirror();
    const pin = {
      url: 'https://raw.githubusercontent.com/none/none/v1/missing.yaml',
      sha256: '0'.repeat(64),
      mirrorPath: 'x/missing.yaml',
    };
    try {
      await withTempDirAsync(async (cache) => {
        await expect(resolvePinned(pin, { cache, fetch: redirectTo(base) })).rejects.toThrow(
          `cannot download ${pin.url}: HTTP 404`,
        );
      });
    } finally {
      server.close();
    }
    await withTempDirAsync(async (cache) => {
      await expect(
        resolvePinned(pin, { cache, fetch: redirectTo(base), mirrorVar: 'OUCHI_CRD_MIRROR' }),
      ).rejects.toThrow(
        /^cannot download \S+ \(ECONNREFUSED\), and OUCHI_CRD_MIRROR is not set\. Without network, set OUCHI_CRD_MIRROR to a local copy of the pinned files \(it needs x\/missing\.yaml; see the offline lines at the top of the README\), or connect to the network\.$/,
      );
    });
  });

  it('verifies mirrored files too', async () => {
    const entry = readCrdLock().crds[0];
    await expect(
      resolvePinned({ ...crdPin(entry), sha256: 'f'.repeat(64) }, { mirror: mirror! }),
    ).rejects.toThrow(`sha256 mismatch for ${entry.url}`);
    await expect(
      resolvePinned(
        { ...crdPin(entry), mirrorPath: 'nope/x.yaml' },
        { mirror: mirror!, mirrorVar: 'OUCHI_CRD_MIRROR' },
      ),
    ).rejects.toThrow(`OUCHI_CRD_MIRROR=${mirror} has no nope/x.yaml`);
  });
});

describe('mirror variables', () => {
  it('resolves a relative value against the working directory, for every kind and any OUCHI_*_MIRROR', () => {
    const env = {
      OUCHI_K8S_SCHEMAS: '../shared/k8s-schemas',
      OUCHI_CHART_MIRROR: '../shared/charts',
      OUCHI_CRD_MIRROR: '/abs/crds',
      OUCHI_HELM_SCHEMAS: '',
    };
    expect(mirrorFor('k8s', env, '/work/clone')).toBe('/work/shared/k8s-schemas');
    expect(mirrorFor('OUCHI_CHART_MIRROR', env, '/work/clone')).toBe('/work/shared/charts');
    expect(mirrorFor('crds', env, '/work/clone')).toBe('/abs/crds');
    expect(mirrorFor('helm', env, '/work/clone')).toBeUndefined();
    expect(() => mirrorFor('OUCHI_E2E' as never, env)).toThrow(
      'OUCHI_E2E is not a mirror variable (OUCHI_*_MIRROR or OUCHI_*_SCHEMAS)',
    );
  });

  it('makes every mirror variable and OUCHI_CACHE absolute for a process in another directory', () => {
    expect(
      absoluteMirrorEnv(
        {
          OUCHI_CRD_MIRROR: '../shared/crds',
          OUCHI_NEW_THING_MIRROR: 'mirrors/new',
          OUCHI_K8S_SCHEMAS: '/abs/k8s',
          OUCHI_CACHE: '.cache',
          OUCHI_E2E: '1',
          PATH: 'bin',
        },
        '/work/clone',
      ),
    ).toEqual({
      OUCHI_CRD_MIRROR: '/work/shared/crds',
      OUCHI_NEW_THING_MIRROR: '/work/clone/mirrors/new',
      OUCHI_K8S_SCHEMAS: '/abs/k8s',
      OUCHI_CACHE: '/work/clone/.cache',
      OUCHI_E2E: '1',
      PATH: 'bin',
    });
  });

  it('says which variable names a mirror folder that does not exist', async () => {
    await expect(
      resolvePinned(
        { url: 'https://example.invalid/a.yaml', sha256: '0'.repeat(64), mirrorPath: 'a/a.yaml' },
        { mirror: '/nonexistent/shared/crds', mirrorVar: 'OUCHI_CRD_MIRROR' },
      ),
    ).rejects.toThrow(
      'OUCHI_CRD_MIRROR=/nonexistent/shared/crds does not exist (needed for a/a.yaml); point OUCHI_CRD_MIRROR at a local copy of the pinned files, or unset it to download them',
    );
  });
});

describe('no mirror and a server that never answers (a loopback black hole)', () => {
  it('gives up after the connect timeout, names the variable, and fails the other files of that host at once', async () => {
    const sockets: Socket[] = [];
    const hole = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((ok) => hole.listen(0, '127.0.0.1', ok));
    const port = (hole.address() as AddressInfo).port;
    // Every upstream URL goes to the black hole, as a network that drops packets would.
    const toHole: typeof fetch = (input, init) =>
      fetch(`http://127.0.0.1:${port}${new URL(String(input)).pathname}`, init);
    const pin = (name: string) => ({
      url: `https://raw.githubusercontent.com/none/none/v1/${name}.yaml`,
      sha256: '0'.repeat(64),
      mirrorPath: `x/${name}.yaml`,
    });
    try {
      await withTempDirAsync(async (cache) => {
        const options = { cache, fetch: toHole, mirrorVar: 'OUCHI_K8S_SCHEMAS', connectTimeoutMs: 300 };
        await expect(resolvePinned(pin('first'), options)).rejects.toThrow(
          /^cannot download \S+first\.yaml \(no answer\), and OUCHI_K8S_SCHEMAS is not set\. Without network, set OUCHI_K8S_SCHEMAS/,
        );
        await expect(resolvePinned(pin('second'), options)).rejects.toThrow(
          /^cannot download \S+second\.yaml \(no answer\), and OUCHI_K8S_SCHEMAS is not set/,
        );
        // The second file was refused from what the first attempt learned: one connection in all.
        expect(sockets).toHaveLength(1);
      });
    } finally {
      sockets.forEach((s) => s.destroy());
      hole.close();
    }
  });
});
