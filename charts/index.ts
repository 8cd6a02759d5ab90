/**
 * The whole platform of one site: every component, in one place, handed the typed outputs of the
 * components it needs. Add a component here (and its file, lib/versions.ts and the locks) and the
 * platform derives the rest: its Application (and `-config`), folder, wave and AppProject lists
 * (docs/architecture.md). The platform comes back built, not assembled: `assemble` renders the charts.
 */
import type { SiteSpec } from '../lib/site/schema';
import { addUserApps } from './apps';
import { ArgoCd } from './argocd';
import { CertManager } from './cert-manager';
import { Contour } from './contour';
import { ExternalDns } from './external-dns';
import { FluentBit } from './fluent-bit';
import { Grafana } from './grafana';
import { KubeStateMetrics } from './kube-state-metrics';
import { Platform, type PlatformOptions } from './lib/platform';
import { Loki } from './loki';
import { Metallb } from './metallb';
import { Moco } from './moco';
import { NodeExporter } from './node-exporter';
import { RookCeph } from './rook-ceph';
import { SealedSecrets } from './sealed-secrets';
import { Topolvm } from './topolvm';
import { VictoriaMetrics } from './victoria-metrics';

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
  const rookCeph = new RookCeph(platform, { storageClass: topolvm.storageClass });
  const moco = new Moco(platform, { storageClass: topolvm.storageClass, s3: rookCeph.s3 });
  new NodeExporter(platform);
  const victoriaMetrics = new VictoriaMetrics(platform, { storageClass: topolvm.storageClass });
  new KubeStateMetrics(platform, { namespace: victoriaMetrics.namespace });
  const loki = new Loki(platform, { s3: rookCeph.s3, storageClass: topolvm.storageClass });
  new FluentBit(platform, { loki: loki.service });
  const grafana = new Grafana(platform, { datasources: [victoriaMetrics.datasource, loki.datasource] });
  addUserApps(platform);
  platform.complete();
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
