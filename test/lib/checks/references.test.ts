import { checkReferences, parseRefList, referencesOf } from '../../../lib/checks/references';
import type { Manifest } from '../../../lib/validate/validator';

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
