/**
 * Pulls a Helm chart from an OCI registry the way `helm pull oci://…` does: the manifest of
 * `<repo>/<chart>:<version>`, then its chart-content layer, with the registry's anonymous bearer-token
 * flow when it asks for one. The layer's bytes are checked against the digest the manifest names.
 */
import type { ChartLockEntry } from '../upstream/locks';
import { sha256, UpstreamError } from '../upstream/resolve';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface OciOptions {
  readonly fetch: typeof fetch;
  readonly plainHttp: boolean;
}

interface Challenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function parseBearerChallenge(header: string | null): Challenge | undefined {
  if (header === null || !/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[m[1].toLowerCase()] = m[2];
  return params.realm === undefined
    ? undefined
    : { realm: params.realm, service: params.service, scope: params.scope };
}

/** Registry host and repository path of a chart: `oci://host/path` + chart → `host`, `path/chart`. */
export function ociReference(entry: Pick<ChartLockEntry, 'chart' | 'version' | 'repoURL'>): {
  host: string;
  repository: string;
  tag: string;
} {
  const rest = entry.repoURL.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  // OCI tags cannot hold '+', so Helm writes SemVer build metadata with '_'.
  return {
    host,
    repository: path === '' ? entry.chart : `${path}/${entry.chart}`,
    tag: entry.version.replace(/\+/g, '_'),
  };
}

export async function pullOciChart(
  entry: Pick<ChartLockEntry, 'chart' | 'version' | 'repoURL'>,
  options: OciOptions,
): Promise<{ data: Buffer; source: string }> {
  const { host, repository, tag } = ociReference(entry);
  const base = `${options.plainHttp ? 'http' : 'https'}://${host}/v2/${repository}`;
  let token: string | undefined;
  const get = async (url: string, accept?: string): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (accept !== undefined) headers.accept = accept;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await options.fetch(url, { headers });
    } catch (e) {
      throw new UpstreamError(
        `cannot reach ${host} for chart ${entry.chart} ${entry.version}: ${(e as Error).message}. Without network, set OUCHI_CHART_MIRROR to a Helm repository folder of the pinned charts.`,
      );
    }
    const challenge =
      response.status === 401 ? parseBearerChallenge(response.headers.get('www-authenticate')) : undefined;
    if (challenge === undefined || token !== undefined) return response;
    token = await anonymousToken(challenge, repository, options.fetch);
    return get(url, accept);
  };
  const source = `oci://${host}/${repository}:${tag}`;
  const manifestResponse = await get(`${base}/manifests/${tag}`, MANIFEST_TYPES);
  if (!manifestResponse.ok) {
    throw new UpstreamError(`cannot read ${source}: HTTP ${manifestResponse.status}`);
  }
  const manifest = (await manifestResponse.json()) as { layers?: { mediaType?: string; digest?: string }[] };
  const layer = manifest.layers?.find((l) => l.mediaType === CHART_LAYER);
  if (layer?.digest === undefined)
    throw new UpstreamError(`${source} is not a Helm chart: no ${CHART_LAYER} layer`);
  const blob = await get(`${base}/blobs/${layer.digest}`);
  if (!blob.ok) throw new UpstreamError(`cannot read the chart layer of ${source}: HTTP ${blob.status}`);
  const data = Buffer.from(await blob.arrayBuffer());
  if (`sha256:${sha256(data)}` !== layer.digest) {
    throw new UpstreamError(
      `the chart layer of ${source} does not match its manifest digest ${layer.digest}`,
    );
  }
  return { data, source };
}

async function anonymousToken(
  challenge: Challenge,
  repository: string,
  doFetch: typeof fetch,
): Promise<string> {
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', challenge.scope ?? `repository:${repository}:pull`);
  const response = await doFetch(url.toString());
  if (!response.ok)
    throw new UpstreamError(
      `the registry refused an anonymous pull token (${url.host}: HTTP ${response.status})`,
    );
  const body = (await response.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (token === undefined)
    throw new UpstreamError(`the registry's token endpoint ${url.host} returned no token`);
  return token;
}
