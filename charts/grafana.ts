/**
 * Grafana through grafana-operator v5 (`grafana.integreatly.org/v1beta1`; the v4 `integreatly.org`
 * API is dead): the operator chart as `grafana`, and in `grafana-config` a Grafana that logs in with
 * GitHub (the site's org; client id and secret from the sealed store, through env), datasources for
 * VictoriaMetrics and Loki derived from their constructs, dashboards from grafana.com by id and
 * revision, and the UI behind `Expose`. Every content CR picks this Grafana by `instanceSelector`.
 */
import {
  Grafana as GrafanaResource,
  GrafanaDashboard,
  GrafanaDatasource,
  GrafanaSpecDeploymentSpecTemplateSpecContainersResourcesLimits,
  GrafanaSpecDeploymentSpecTemplateSpecContainersResourcesRequests,
} from '../imports/grafana.integreatly.org';
import { GRAFANA_PORT, grafanaServiceName } from '../lib/checks/operator-services';
import { GITHUB_OAUTH } from '../lib/endpoints';
import { fqdn } from '../lib/naming';
import type { DatasourceTarget } from '../lib/manifest/refs';
import type { SiteSpec } from '../lib/site/schema';
import { charts, dashboards } from '../lib/versions';
import { Expose } from './lib/expose';
import { quantities, resources, type Resources } from './lib/k8s-types';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';
import { StoredSealedSecret } from './lib/sealed-secret';
import type { SecretRef } from './lib/secret-refs';

export const GRAFANA_NAMESPACE = 'grafana';
export const GRAFANA_NAME = 'grafana';
/** Label every dashboard and datasource selects this Grafana by. */
export const INSTANCE_LABEL = { dashboards: 'ouchi' } as const;
/** Service the operator creates for this Grafana (the reference check derives it from the CR too). */
export const GRAFANA_SERVICE = { name: grafanaServiceName(GRAFANA_NAME), port: GRAFANA_PORT } as const;

/** The GitHub OAuth app of Grafana, sealed in the store. */
export const GRAFANA_OAUTH_SECRET: SecretRef = {
  namespace: GRAFANA_NAMESPACE,
  name: 'grafana-github-oauth',
  keys: ['clientID', 'clientSecret'],
};

/** grafana.ini, section by section (every value a string, as the operator wants). */
export function grafanaConfig(site: SiteSpec, host: string): Record<string, Record<string, string>> {
  const { org } = site.sso.github;
  return {
    server: { root_url: `https://${host}` },
    auth: {
      disable_login_form: String(!site.grafana.loginForm),
      oauth_auto_login: String(!site.grafana.loginForm),
    },
    'auth.anonymous': { enabled: 'false' },
    'auth.basic': { enabled: String(site.grafana.loginForm) },
    'auth.github': {
      enabled: 'true',
      allow_sign_up: 'true',
      // Id and secret come from GF_AUTH_GITHUB_CLIENT_ID / _SECRET, set from the sealed Secret.
      scopes: 'user:email,read:org',
      auth_url: GITHUB_OAUTH.authorizeUrl,
      token_url: GITHUB_OAUTH.tokenUrl,
      api_url: GITHUB_OAUTH.userApiUrl,
      allowed_organizations: org,
      role_attribute_path: `contains(groups[*], '@${org}/${site.sso.github.team}') && 'Admin' || 'Viewer'`,
    },
    // As in the reference home lab: viewers may edit dashboards in the UI (not save them).
    users: { viewers_can_edit: 'true' },
    analytics: { reporting_enabled: 'false', check_for_updates: 'false' },
  };
}

export interface GrafanaOperatorValues {
  readonly resources: Resources;
  /** The chart leaves the pod securityContext empty; the restricted level needs a seccomp profile. */
  readonly podSecurityContext: { readonly seccompProfile: { readonly type: 'RuntimeDefault' } };
}

export interface GrafanaProps {
  /** The VictoriaMetrics and Loki datasources, from their components. */
  readonly datasources: readonly DatasourceTarget[];
  /**
   * Host label of the UI.
   * @default 'grafana'
   */
  readonly host?: string;
}

export class Grafana extends Component<GrafanaOperatorValues> {
  readonly grafana: GrafanaResource;
  readonly expose: Expose;

  constructor(platform: Platform, props: GrafanaProps) {
    super(platform, {
      name: 'grafana',
      description: 'grafana-operator v5 and a Grafana with GitHub SSO, datasources, dashboards, route',
      project: 'observability',
      namespace: { name: GRAFANA_NAMESPACE, team: 'observability' },
      chart: {
        chart: charts['grafana-operator'],
        releaseName: 'grafana-operator',
        values: {
          resources: resources('50m', '128Mi', { cpu: '500m', memory: '512Mi' }),
          podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        },
      },
    });
    const site = platform.site;
    const config = this.folder;
    const host = props.host ?? 'grafana';
    new StoredSealedSecret(config, 'oauth', GRAFANA_OAUTH_SECRET);
    const secretEnv = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: GRAFANA_OAUTH_SECRET.name, key } },
    });
    this.grafana = new GrafanaResource(config, 'grafana', {
      metadata: { name: GRAFANA_NAME, namespace: GRAFANA_NAMESPACE, labels: { ...INSTANCE_LABEL } },
      spec: {
        config: grafanaConfig(site, fqdn(site.domain, host)),
        deployment: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'grafana',
                    env: [
                      secretEnv('GF_AUTH_GITHUB_CLIENT_ID', 'clientID'),
                      secretEnv('GF_AUTH_GITHUB_CLIENT_SECRET', 'clientSecret'),
                    ],
                    resources: quantities(
                      resources('50m', '128Mi', { cpu: '1', memory: '512Mi' }),
                      GrafanaSpecDeploymentSpecTemplateSpecContainersResourcesLimits,
                      GrafanaSpecDeploymentSpecTemplateSpecContainersResourcesRequests,
                    ),
                  },
                ],
              },
            },
          },
        },
      },
    });
    const instanceSelector = { matchLabels: { ...INSTANCE_LABEL } };
    props.datasources.forEach((ds, i) => {
      new GrafanaDatasource(config, `datasource-${ds.name}`, {
        metadata: { name: ds.name.toLowerCase(), namespace: GRAFANA_NAMESPACE },
        spec: {
          instanceSelector,
          datasource: { name: ds.name, type: ds.type, access: 'proxy', url: ds.url, isDefault: i === 0 },
        },
      });
    });
    const metrics = props.datasources.find((d) => d.type === 'prometheus');
    if (!metrics) throw new Error('grafana: a prometheus-type datasource is needed for the dashboards');
    for (const [key, dashboard] of Object.entries(dashboards)) {
      new GrafanaDashboard(config, `dashboard-${key}`, {
        metadata: { name: `grafana-com-${dashboard.id}`, namespace: GRAFANA_NAMESPACE },
        spec: {
          instanceSelector,
          grafanaCom: { id: dashboard.id, revision: dashboard.revision },
          // grafana.com dashboards ask for their datasource through an input.
          datasources: [{ inputName: 'DS_PROMETHEUS', datasourceName: metrics.name }],
          folder: 'ouchi',
        },
      });
    }
    this.expose = new Expose(config, 'ui', {
      service: { name: GRAFANA_SERVICE.name, namespace: GRAFANA_NAMESPACE, port: GRAFANA_SERVICE.port },
      host,
      name: 'grafana',
      websockets: true,
    });
  }
}
