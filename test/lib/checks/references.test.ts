import { checkReferences } from '../../../lib/checks/references';
import { parseRefList, referencesOf } from '../../../lib/manifest/references';
import type { Manifest } from '../../../lib/manifest/types';

const ns = (name: string): Manifest => ({
  file: `x/namespace-${name}.yaml`,
  object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
});

const deployment = (extra: object = {}): Manifest => ({
  file: 'app/deployment-web.yaml',
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'web-token', key: 't' } } }],
              envFrom: [{ configMapRef: { name: 'web-env', optional: true } }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } }],
          ...extra,
        },
      },
    },
  },
});

describe('referencesOf', () => {
  it('reads Pod template references, skipping optional ones', () => {
    expect(
      referencesOf(deployment().object).map(
        (r) => `${r.field} -> ${r.target.kind}/${r.target.namespace}/${r.target.name}`,
      ),
    ).toEqual([
      'metadata.namespace -> Namespace//demo',
      'spec.template.spec.volumes[0].persistentVolumeClaim.claimName -> PersistentVolumeClaim/demo/web-data',
      'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name -> Secret/demo/web-token',
    ]);
  });

  it('parses the annotation form', () => {
    expect(parseRefList('StorageClass/topolvm-nvme,Service/rook-ceph/dash')).toEqual([
      { kind: 'StorageClass', namespace: '', name: 'topolvm-nvme' },
      { kind: 'Service', namespace: 'rook-ceph', name: 'dash' },
    ]);
    expect(() => parseRefList('Service')).toThrow(
      'bad object reference "Service": expected Kind/name or Kind/namespace/name',
    );
  });
});

describe('checkReferences', () => {
  const pvc: Manifest = {
    file: 'app/persistentvolumeclaim-web-data.yaml',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'web-data', namespace: 'demo' },
      spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'] },
    },
  };
  const sealed: Manifest = {
    file: 'app/sealedsecret-web-token.yaml',
    object: {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'web-token', namespace: 'demo' },
      spec: {},
    },
  };
  const app = (provides: string): Manifest => ({
    file: 'apps/application-storage.yaml',
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'storage', namespace: 'argocd', annotations: { 'ouchi.dev/provides': provides } },
      spec: { destination: { namespace: 'demo' } },
    },
  });

  it('resolves objects in the set, secrets a SealedSecret makes, and what Applications declare', () => {
    expect(
      checkReferences([ns('demo'), ns('argocd'), deployment(), pvc, sealed, app('StorageClass/fast')]),
    ).toEqual([]);
  });

  it('names the referrer, the field and the missing target', () => {
    expect(checkReferences([ns('demo'), ns('argocd'), deployment(), pvc, app('StorageClass/slow')])).toEqual([
      'app/deployment-web.yaml: Deployment demo/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name refers to Secret demo/web-token, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)',
      'app/persistentvolumeclaim-web-data.yaml: PersistentVolumeClaim demo/web-data: spec.storageClassName refers to StorageClass fast, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)',
    ]);
  });

  it('reports a missing namespace', () => {
    expect(checkReferences([sealed])).toEqual([
      'app/sealedsecret-web-token.yaml: SealedSecret demo/web-token: metadata.namespace refers to Namespace demo, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)',
    ]);
  });

  it('checks HTTPProxy routes against the Service and its ports, and TLS against Certificates', () => {
    const service: Manifest = {
      file: 'app/service-web.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'demo' },
        spec: { ports: [{ name: 'http', port: 8080 }] },
      },
    };
    const certificate: Manifest = {
      file: 'app/certificate-web.yaml',
      object: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'web', namespace: 'demo' },
        spec: { secretName: 'web-tls', issuerRef: { kind: 'ClusterIssuer', name: 'internal-ca' } },
      },
    };
    const proxy: Manifest = {
      file: 'app/httpproxy-web.yaml',
      object: {
        apiVersion: 'projectcontour.io/v1',
        kind: 'HTTPProxy',
        metadata: { name: 'web', namespace: 'demo' },
        spec: {
          virtualhost: { fqdn: 'web.example.com', tls: { secretName: 'web-tls' } },
          routes: [{ services: [{ name: 'web', port: 80 }] }],
        },
      },
    };
    expect(checkReferences([ns('demo'), service, certificate, proxy])).toEqual([
      'app/certificate-web.yaml: Certificate demo/web: spec.issuerRef refers to ClusterIssuer internal-ca, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)',
      'app/httpproxy-web.yaml: HTTPProxy demo/web: spec.routes[0].services[0] refers to port 80 of Service demo/web, which has ports 8080',
    ]);
  });
});

const MISSING =
  ', which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)';

/** A manifest of `kind` in namespace `monitoring` (or `namespace`), filed as dist/ files it. */
function cr(
  apiVersion: string,
  kind: string,
  name: string,
  spec: object,
  namespace = 'monitoring',
): Manifest {
  return {
    file: `app/${kind.toLowerCase()}-${name}.yaml`,
    object: { apiVersion, kind, metadata: { name, namespace }, spec },
  };
}

const VM = 'operator.victoriametrics.com/v1beta1';

describe('VictoriaMetrics service URLs', () => {
  const cluster = cr(VM, 'VMCluster', 'ouchi', { vmstorage: {}, vmselect: {}, vminsert: {} });
  const alertmanager = cr(VM, 'VMAlertmanager', 'ouchi', {});
  const agent = (url: string) => cr(VM, 'VMAgent', 'ouchi', { remoteWrite: [{ url }] });
  const alert = (notifier: string) =>
    cr(VM, 'VMAlert', 'ouchi', {
      datasource: { url: 'http://vmselect-ouchi.monitoring.svc:8481/select/0/prometheus' },
      notifier: { url: notifier },
      remoteWrite: { url: 'http://vminsert-ouchi.monitoring.svc.cluster.local:8480/insert/0/prometheus' },
    });

  it('reads VMAgent and VMAlert URLs as references to a Service and its port', () => {
    expect(
      referencesOf(alert('http://vmalertmanager-ouchi.monitoring.svc:9093').object).filter(
        (r) => r.target.kind === 'Service',
      ),
    ).toEqual([
      {
        target: { kind: 'Service', namespace: 'monitoring', name: 'vmselect-ouchi' },
        field: 'spec.datasource.url',
        port: 8481,
      },
      {
        target: { kind: 'Service', namespace: 'monitoring', name: 'vmalertmanager-ouchi' },
        field: 'spec.notifier.url',
        port: 9093,
      },
      {
        target: { kind: 'Service', namespace: 'monitoring', name: 'vminsert-ouchi' },
        field: 'spec.remoteWrite.url',
        port: 8480,
      },
    ]);
  });

  it('resolves them against the Services the operator creates for the VMCluster and VMAlertmanager', () => {
    expect(
      checkReferences([
        ns('monitoring'),
        cluster,
        alertmanager,
        agent('http://vminsert-ouchi.monitoring.svc:8480/insert/0/prometheus/api/v1/write'),
        alert('http://vmalertmanager-ouchi.monitoring.svc:9093'),
      ]),
    ).toEqual([]);
  });

  it('names the referrer, the URL field and the missing Service, or the missing port', () => {
    expect(
      checkReferences([
        ns('monitoring'),
        cluster,
        agent('http://vminsert-other.monitoring.svc:8480/insert/0/prometheus/api/v1/write'),
        alert('http://vmalertmanager-ouchi.monitoring.svc:9093'),
      ]),
    ).toEqual([
      `app/vmagent-ouchi.yaml: VMAgent monitoring/ouchi: spec.remoteWrite[0].url refers to Service monitoring/vminsert-other${MISSING}`,
      `app/vmalert-ouchi.yaml: VMAlert monitoring/ouchi: spec.notifier.url refers to Service monitoring/vmalertmanager-ouchi${MISSING}`,
    ]);
    expect(
      checkReferences([
        ns('monitoring'),
        cluster,
        agent('http://vminsert-ouchi.monitoring.svc:8481/insert/0/prometheus/api/v1/write'),
      ]),
    ).toEqual([
      'app/vmagent-ouchi.yaml: VMAgent monitoring/ouchi: spec.remoteWrite[0].url refers to port 8481 of Service monitoring/vminsert-ouchi, which has ports 8480',
    ]);
  });

  it('has no Service for a component the VMCluster does not run', () => {
    expect(
      checkReferences([
        ns('monitoring'),
        cr(VM, 'VMCluster', 'ouchi', { vmstorage: {}, vmselect: {} }),
        agent('http://vminsert-ouchi.monitoring.svc:8480/insert/0/prometheus/api/v1/write'),
      ]),
    ).toEqual([
      `app/vmagent-ouchi.yaml: VMAgent monitoring/ouchi: spec.remoteWrite[0].url refers to Service monitoring/vminsert-ouchi${MISSING}`,
    ]);
  });

  it('checks the Secrets of Alertmanager receivers', () => {
    const config = cr(VM, 'VMAlertmanagerConfig', 'receivers', {
      receivers: [
        { name: 'chat', discord_configs: [{ webhook_url_secret: { name: 'receivers', key: 'chat' } }] },
      ],
    });
    expect(checkReferences([ns('monitoring'), config])).toEqual([
      `app/vmalertmanagerconfig-receivers.yaml: VMAlertmanagerConfig monitoring/receivers: spec.receivers[0].discord_configs[0].webhook_url_secret refers to Secret monitoring/receivers${MISSING}`,
    ]);
  });
});

describe('Grafana references', () => {
  const GRAFANA = 'grafana.integreatly.org/v1beta1';
  const grafana = (secret: string) =>
    cr(
      GRAFANA,
      'Grafana',
      'grafana',
      {
        deployment: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'grafana',
                    env: [{ name: 'GF_ID', valueFrom: { secretKeyRef: { name: secret, key: 'id' } } }],
                  },
                ],
              },
            },
          },
        },
      },
      'grafana',
    );
  const oauth: Manifest = {
    file: 'app/sealedsecret-oauth.yaml',
    object: {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'oauth', namespace: 'grafana' },
      spec: {},
    },
  };
  const datasource = (url: string) =>
    cr(GRAFANA, 'GrafanaDatasource', 'logs', { datasource: { name: 'Logs', url } }, 'grafana');
  const lokiApp: Manifest = {
    file: 'apps/application-loki.yaml',
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'loki',
        namespace: 'argocd',
        annotations: { 'ouchi.dev/provides': 'Service/logging/loki' },
      },
      spec: {},
    },
  };
  const route = (port: number) =>
    cr(
      'projectcontour.io/v1',
      'HTTPProxy',
      'grafana',
      { routes: [{ services: [{ name: 'grafana-service', port }] }] },
      'grafana',
    );
  const namespaces = [ns('grafana'), ns('argocd'), ns('logging')];

  it('resolves the env Secret, the datasource Service an Application declares, and the operator’s Service', () => {
    expect(
      checkReferences([
        ...namespaces,
        grafana('oauth'),
        oauth,
        lokiApp,
        datasource('http://loki.logging.svc:3100'),
        route(3000),
      ]),
    ).toEqual([]);
  });

  it('names the Grafana env field and the datasource URL field with their missing targets', () => {
    expect(
      checkReferences([...namespaces, grafana('github'), datasource('http://loki.logs.svc:3100'), route(80)]),
    ).toEqual([
      `app/grafana-grafana.yaml: Grafana grafana/grafana: spec.deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name refers to Secret grafana/github${MISSING}`,
      `app/grafanadatasource-logs.yaml: GrafanaDatasource grafana/logs: spec.datasource.url refers to Service logs/loki${MISSING}`,
      'app/httpproxy-grafana.yaml: HTTPProxy grafana/grafana: spec.routes[0].services[0] refers to port 80 of Service grafana/grafana-service, which has ports 3000',
    ]);
  });

  it('ignores URLs outside the cluster', () => {
    expect(referencesOf(datasource('https://logs.example.com:3100').object)).toEqual([
      { target: { kind: 'Namespace', namespace: '', name: 'grafana' }, field: 'metadata.namespace' },
    ]);
  });
});

describe('MOCO backup references', () => {
  const MOCO = 'moco.cybozu.com/v1beta2';
  const claim = (name: string): Manifest =>
    cr(
      'objectbucket.io/v1alpha1',
      'ObjectBucketClaim',
      name,
      { bucketName: name, storageClassName: 'bucket' },
      'db',
    );
  const bucketClass: Manifest = {
    file: 'app/storageclass-bucket.yaml',
    object: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'bucket' },
      provisioner: 'x',
    },
  };
  const account: Manifest = {
    file: 'app/serviceaccount-backup.yaml',
    object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'backup', namespace: 'db' } },
  };
  const store = cr('ceph.rook.io/v1', 'CephObjectStore', 's3', { gateway: { port: 80 } }, 'rook-ceph');
  const policy = (secret: string, endpoint: string) =>
    cr(
      MOCO,
      'BackupPolicy',
      'nightly',
      {
        schedule: '0 3 * * *',
        jobConfig: {
          serviceAccountName: 'backup',
          envFrom: [{ secretRef: { name: secret } }],
          env: [{ name: 'REGION', valueFrom: { configMapKeyRef: { name: secret, key: 'BUCKET_REGION' } } }],
          bucketConfig: { bucketName: 'b', endpointURL: endpoint },
          workVolume: { emptyDir: {} },
        },
      },
      'db',
    );
  const mysql = (backupPolicyName: string) =>
    cr(MOCO, 'MySQLCluster', 'main', { replicas: 3, backupPolicyName }, 'db');
  const namespaces = [ns('db'), ns('rook-ceph')];

  it('resolves credentials from the claim’s Secret and ConfigMap and the endpoint from the object store', () => {
    expect(
      checkReferences([
        ...namespaces,
        bucketClass,
        account,
        store,
        claim('backup'),
        policy('backup', 'http://rook-ceph-rgw-s3.rook-ceph.svc:80'),
        mysql('nightly'),
      ]),
    ).toEqual([]);
  });

  it('names the policy’s env fields, endpoint and the cluster’s policy with their missing targets', () => {
    expect(
      checkReferences([
        ...namespaces,
        bucketClass,
        store,
        claim('backup'),
        policy('other', 'http://rook-ceph-rgw-s3.rook-ceph.svc:8080'),
        mysql('weekly'),
      ]),
    ).toEqual([
      `app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.env[0].valueFrom.configMapKeyRef.name refers to ConfigMap db/other${MISSING}`,
      `app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.envFrom[0].secretRef.name refers to Secret db/other${MISSING}`,
      `app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.serviceAccountName refers to ServiceAccount db/backup${MISSING}`,
      'app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.bucketConfig.endpointURL refers to port 8080 of Service rook-ceph/rook-ceph-rgw-s3, which has ports 80',
      `app/mysqlcluster-main.yaml: MySQLCluster db/main: spec.backupPolicyName refers to BackupPolicy db/weekly${MISSING}`,
    ]);
  });

  it('has the claim’s Secret and ConfigMap only while the claim exists', () => {
    expect(
      checkReferences([
        ...namespaces,
        account,
        store,
        policy('backup', 'http://rook-ceph-rgw-s3.rook-ceph.svc'),
      ]),
    ).toEqual([
      `app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.env[0].valueFrom.configMapKeyRef.name refers to ConfigMap db/backup${MISSING}`,
      `app/backuppolicy-nightly.yaml: BackupPolicy db/nightly: spec.jobConfig.envFrom[0].secretRef.name refers to Secret db/backup${MISSING}`,
    ]);
  });
});
