/**
 * The whole platform of one site: every component, in one place. Add a component here and it gets its
 * Applications, its folder in dist/ and a place in its AppProject.
 */
import type { SiteSpec } from '../lib/site/schema';
import { addUserApps } from './apps';
import { Platform, type PlatformOptions } from './lib/platform';
import { ArgoCd } from './argocd';
import { CertManager } from './cert-manager';
import { Contour, CONTOUR_NAMESPACE } from './contour';
import { ExternalDns } from './external-dns';
import { Metallb } from './metallb';
import { FluentBit } from './fluent-bit';
import { Grafana } from './grafana';
import { KubeStateMetrics } from './kube-state-metrics';
import { Loki, LOGGING_NAMESPACE, LOKI_SERVICE } from './loki';
import { Moco, MOCO_NAMESPACE } from './moco';
import { NodeExporter, NODE_EXPORTER_NAMESPACE } from './node-exporter';
import { alertmanagerService, VictoriaMetrics } from './victoria-metrics';
import { inClusterUrl } from '../lib/checks/service-urls';
import { RookCeph, ROOK_NAMESPACE } from './rook-ceph';
import { SealedSecrets } from './sealed-secrets';
import { Topolvm } from './topolvm';

export interface PlatformComponents {
  readonly argocd: ArgoCd;
  readonly sealedSecrets: SealedSecrets;
  readonly metallb: Metallb;
  readonly certManager: CertManager;
  readonly contour: Contour;
  readonly externalDns: ExternalDns;
  readonly topolvm: Topolvm;
  readonly rookCeph: RookCeph;
  readonly moco: Moco;
  readonly victoriaMetrics: VictoriaMetrics;
  readonly loki: Loki;
  readonly grafana: Grafana;
}

export function buildPlatform(
  site: SiteSpec,
  options: PlatformOptions = {},
): { platform: Platform; components: PlatformComponents } {
  const platform = new Platform(site, options);
  const argocd = new ArgoCd(platform);
  const sealedSecrets = new SealedSecrets(platform);
  const metallb = new Metallb(platform);
  const certManager = new CertManager(platform);
  const contour = new Contour(platform);
  const externalDns = new ExternalDns(platform);
  const topolvm = new Topolvm(platform);
  const rookCeph = new RookCeph(platform);
  const moco = new Moco(platform);
  new NodeExporter(platform);
  new KubeStateMetrics(platform);
  const victoriaMetrics = new VictoriaMetrics(platform, {
    scrapeNamespaces: {
      metallb: metallb.namespace,
      contour: CONTOUR_NAMESPACE,
      rook: ROOK_NAMESPACE,
      moco: MOCO_NAMESPACE,
      mysql: [...new Set(site.databases.mysql.map((db) => db.namespace))],
      nodeExporter: NODE_EXPORTER_NAMESPACE,
    },
  });
  const loki = new Loki(platform);
  new FluentBit(platform, {
    loki: { host: `${LOKI_SERVICE.name}.${LOGGING_NAMESPACE}.svc`, port: LOKI_SERVICE.port },
    alertmanager: inClusterUrl(alertmanagerService(victoriaMetrics.alertmanager)),
  });
  const grafana = new Grafana(platform, {
    datasources: [
      { name: 'VictoriaMetrics', type: 'prometheus', url: victoriaMetrics.cluster.selectUrl },
      loki.datasource,
    ],
  });
  addUserApps(platform);
  platform.finalize();
  return {
    platform,
    components: {
      argocd,
      sealedSecrets,
      metallb,
      certManager,
      contour,
      externalDns,
      topolvm,
      rookCeph,
      moco,
      victoriaMetrics,
      loki,
      grafana,
    },
  };
}
