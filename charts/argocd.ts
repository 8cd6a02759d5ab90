/**
 * Argo CD managing itself: the pinned argo-cd chart with GitHub SSO through Dex, RBAC that gives the
 * site's GitHub team admin and everyone else nothing, the admin user disabled, and health checks that
 * make Application sync waves wait. `argocdRelease()` is the single source of chart and values: the
 * bootstrap stack installs the rendered chart once, then the `argocd` Application takes over.
 *
 * The folder also holds the two argocd-server Services (web and gRPC; Contour serves one protocol per
 * host and port), their routes, and the Dex client secret.
 */
import * as k8s from '../imports/k8s';
import { stringify } from 'yaml';
import { ARGOCD_NAMESPACE, fqdn } from '../lib/naming';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { HEALTH_CHECKS } from './lib/argocd-health';
import { Expose } from './lib/expose';
import { resources, type Resources } from './lib/k8s-types';
import { ARGOCD_ALERTS } from './lib/alert-rules';
import { Component, type ChartSpec } from './lib/component';
import { StoredSealedSecret } from './lib/sealed-secret';
import type { Platform } from './lib/platform';

/** Secret Dex reads the GitHub OAuth app from (`$<name>:<key>` in dex.config). */
export const DEX_GITHUB_SECRET = { name: 'argocd-dex-github', keys: ['clientID', 'clientSecret'] } as const;

/** Host labels of the two argocd-server routes: the web UI, and gRPC for the `argocd` CLI. */
export const ARGOCD_HOST_LABELS = { web: 'argocd', grpc: 'argocd-grpc' } as const;

export function argocdHosts(site: SiteSpec): { web: string; grpc: string } {
  return { web: fqdn(site.domain, ARGOCD_HOST_LABELS.web), grpc: fqdn(site.domain, ARGOCD_HOST_LABELS.grpc) };
}

interface ComponentValues {
  readonly resources: Resources;
}

/** argocd-cm keys ouchi sets. */
export interface ArgoCdConfigMap {
  readonly url: string;
  /** A string: the ConfigMap value Argo CD parses. */
  readonly 'admin.enabled': 'true' | 'false';
  readonly 'exec.enabled': boolean;
  readonly 'dex.config': string;
  readonly [health: `resource.customizations.health.${string}`]: string;
}

export interface ArgoCdRbac {
  /** Role of a logged-in user no policy line matches; empty means no access. */
  readonly 'policy.default': string;
  readonly 'policy.csv': string;
  readonly scopes: string;
}

/** The chart values ouchi sets (a typed subset of argo-cd's values.yaml). */
export interface ArgoCdValues {
  readonly global: {
    readonly domain: string;
    readonly logging: {
      readonly format: 'text' | 'json';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
    };
  };
  readonly crds: { readonly install: boolean; readonly keep: boolean };
  readonly configs: {
    readonly cm: ArgoCdConfigMap;
    readonly rbac: ArgoCdRbac;
    readonly params: { readonly 'server.insecure': boolean };
  };
  readonly controller: ComponentValues;
  readonly server: ComponentValues;
  readonly repoServer: ComponentValues;
  readonly applicationSet: ComponentValues;
  readonly notifications: ComponentValues;
  readonly dex: ComponentValues & { readonly enabled: boolean };
  readonly redis: ComponentValues;
  readonly redisSecretInit: ComponentValues;
}

/** Dex's GitHub connector: only members of the site's org and team can log in. */
export function dexConfig(site: SiteSpec): string {
  const { org, team } = site.sso.github;
  return stringify(
    {
      connectors: [
        {
          type: 'github',
          id: 'github',
          name: 'GitHub',
          config: {
            clientID: `$${DEX_GITHUB_SECRET.name}:clientID`,
            clientSecret: `$${DEX_GITHUB_SECRET.name}:clientSecret`,
            orgs: [{ name: org, teams: [team] }],
            // Groups are `org:team-slug`, the form the RBAC policy names.
            teamNameField: 'slug',
            loadAllGroups: false,
          },
        },
      ],
    },
    { lineWidth: 0 },
  );
}

/** RBAC: the site's GitHub team is admin; nobody else gets anything. */
export function rbacPolicy(site: SiteSpec): ArgoCdRbac {
  const { org, team } = site.sso.github;
  return { 'policy.default': '', 'policy.csv': `g, ${org}:${team}, role:admin\n`, scopes: '[groups]' };
}

/** The Argo CD release: the chart and values the `argocd` folder renders (and the bootstrap installs). */
export function argocdRelease(site: SiteSpec): ChartSpec<ArgoCdValues> & { releaseName: string } {
  const hosts = argocdHosts(site);
  return {
    chart: charts['argo-cd'],
    releaseName: 'argocd',
    values: {
      global: { domain: hosts.web, logging: { format: 'json', level: 'info' } },
      // Keep CRDs when the release goes: deleting them would delete every Application.
      crds: { install: true, keep: true },
      configs: {
        cm: {
          url: `https://${hosts.web}`,
          'admin.enabled': 'false',
          'exec.enabled': false,
          'dex.config': dexConfig(site),
          ...HEALTH_CHECKS,
        },
        rbac: rbacPolicy(site),
        // argocd-server keeps its own TLS; Contour speaks TLS (web) and h2 (gRPC) to it.
        params: { 'server.insecure': false },
      },
      controller: { resources: resources('250m', '512Mi', { cpu: '2', memory: '2Gi' }) },
      server: { resources: resources('50m', '128Mi', { cpu: '500m', memory: '512Mi' }) },
      repoServer: { resources: resources('100m', '256Mi', { cpu: '1', memory: '1Gi' }) },
      applicationSet: { resources: resources('25m', '64Mi') },
      notifications: { resources: resources('25m', '64Mi') },
      dex: { enabled: true, resources: resources('10m', '64Mi') },
      redis: { resources: resources('50m', '64Mi', { cpu: '200m', memory: '256Mi' }) },
      redisSecretInit: { resources: resources('10m', '32Mi') },
    },
  };
}

/** Labels that select the argocd-server Pods of the release. */
export const ARGOCD_SERVER_SELECTOR = {
  'app.kubernetes.io/name': 'argocd-server',
  'app.kubernetes.io/instance': 'argocd',
} as const;

/** Contour's per-Service upstream protocol annotations. */
export const UPSTREAM_PROTOCOL = {
  tls: 'projectcontour.io/upstream-protocol.tls',
  h2: 'projectcontour.io/upstream-protocol.h2',
} as const;

/**
 * Argo CD, its routes and the Dex client secret. The routes' custom resources come from other
 * components' charts, so they stay in `argocd` (which the platform then syncs after those); the
 * bootstrap stack installs the chart's part of the folder before any of that exists.
 */
export class ArgoCd extends Component<ArgoCdValues> {
  readonly webService: k8s.KubeService;
  readonly grpcService: k8s.KubeService;
  /** HTTPProxy, Certificate and DNSEndpoint of the web UI (`argocd.<domain>`). */
  readonly webRoute: Expose;
  /** The same for gRPC and the `argocd` CLI (`argocd-grpc.<domain>`). */
  readonly grpcRoute: Expose;

  constructor(platform: Platform) {
    super(platform, {
      name: 'argocd',
      description: 'GitOps: syncs every Application, itself included; GitHub SSO through Dex',
      project: 'platform',
      namespace: { name: ARGOCD_NAMESPACE },
      chart: argocdRelease(platform.site),
      // dex.config names this Secret in text (`$argocd-dex-github:clientSecret`).
      needs: [{ kind: 'Secret', namespace: ARGOCD_NAMESPACE, name: DEX_GITHUB_SECRET.name }],
      // The chart's redis-secret-init PreSync hook Job writes the Redis password Secret.
      makes: [{ kind: 'Secret', namespace: ARGOCD_NAMESPACE, name: 'argocd-redis' }],
      scrapes: [
        {
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/part-of': 'argocd' },
          endpoints: [{ port: 'metrics' }],
        },
      ],
      alerts: [ARGOCD_ALERTS],
    });
    const config = this.folder;
    const service = (id: string, name: string, protocol: keyof typeof UPSTREAM_PROTOCOL) =>
      new k8s.KubeService(config, id, {
        metadata: {
          name,
          namespace: ARGOCD_NAMESPACE,
          annotations: { [UPSTREAM_PROTOCOL[protocol]]: '443,https' },
        },
        spec: {
          type: 'ClusterIP',
          selector: { ...ARGOCD_SERVER_SELECTOR },
          ports: [
            { name: 'https', port: 443, targetPort: k8s.IntOrString.fromString('server'), protocol: 'TCP' },
          ],
        },
      });
    // Argo CD resolves `$argocd-dex-github:clientSecret` only in Secrets labelled part-of argocd.
    new StoredSealedSecret(config, 'dex-github', {
      namespace: ARGOCD_NAMESPACE,
      name: DEX_GITHUB_SECRET.name,
      keys: DEX_GITHUB_SECRET.keys,
      secretLabels: { 'app.kubernetes.io/part-of': 'argocd' },
    });
    this.webService = service('web', 'argocd-server-web', 'tls');
    this.grpcService = service('grpc', 'argocd-server-grpc', 'h2');
    const route = (id: string, svc: k8s.KubeService, host: string, upstreamProtocol: 'tls' | 'h2') =>
      new Expose(config, id, {
        service: { name: svc.name, namespace: ARGOCD_NAMESPACE, port: 443 },
        host,
        upstreamProtocol,
        // The web UI streams logs and terminals over WebSocket.
        websockets: upstreamProtocol === 'tls',
      });
    this.webRoute = route('web-route', this.webService, ARGOCD_HOST_LABELS.web, 'tls');
    this.grpcRoute = route('grpc-route', this.grpcService, ARGOCD_HOST_LABELS.grpc, 'h2');
  }
}
