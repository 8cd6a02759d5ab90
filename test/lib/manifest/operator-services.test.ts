import { servicesCreatedBy, vmService } from '../../../lib/manifest/operator-services';

const VM = 'operator.victoriametrics.com/v1beta1';
const object = (apiVersion: string, kind: string, spec: object) => ({
  apiVersion,
  kind,
  metadata: { name: 'ouchi', namespace: 'monitoring' },
  spec,
});

describe('Services operators create', () => {
  it('gives a VMCluster one Service per component it runs, on the operator’s ports', () => {
    expect(
      servicesCreatedBy(object(VM, 'VMCluster', { vmstorage: {}, vmselect: {}, vminsert: { port: '9480' } })),
    ).toEqual([
      { namespace: 'monitoring', name: 'vminsert-ouchi', ports: [{ port: 9480, name: 'http' }] },
      { namespace: 'monitoring', name: 'vmselect-ouchi', ports: [{ port: 8481, name: 'http' }] },
      {
        namespace: 'monitoring',
        name: 'vmstorage-ouchi',
        ports: [
          { port: 8482, name: 'http' },
          { port: 8400, name: 'vminsert' },
          { port: 8401, name: 'vmselect' },
        ],
      },
    ]);
    expect(vmService('vminsert', 'ouchi', 'monitoring')).toEqual({
      name: 'vminsert-ouchi',
      namespace: 'monitoring',
      port: 8480,
    });
  });

  it('gives VMAgent, VMAlert and VMAlertmanager their Service', () => {
    expect(servicesCreatedBy(object(VM, 'VMAlertmanager', {}))).toEqual([
      { namespace: 'monitoring', name: 'vmalertmanager-ouchi', ports: [{ port: 9093, name: 'http' }] },
    ]);
    expect(servicesCreatedBy(object(VM, 'VMAgent', {}))[0].name).toBe('vmagent-ouchi');
    expect(servicesCreatedBy(object(VM, 'VMAlert', { port: '8880' }))[0].ports).toEqual([
      { port: 8880, name: 'http' },
    ]);
  });

  it('gives a v5 Grafana `<name>-service`, and none to an external one or to the v4 API group', () => {
    const grafana = 'grafana.integreatly.org/v1beta1';
    expect(servicesCreatedBy(object(grafana, 'Grafana', {}))).toEqual([
      { namespace: 'monitoring', name: 'ouchi-service', ports: [{ port: 3000, name: 'grafana' }] },
    ]);
    expect(
      servicesCreatedBy(object(grafana, 'Grafana', { external: { url: 'https://g.example.com' } })),
    ).toEqual([]);
    expect(servicesCreatedBy(object(['integreatly.org', 'v1alpha1'].join('/'), 'Grafana', {}))).toEqual([]);
  });

  it('gives Rook’s object store its RGW Service and a cluster its dashboard only when enabled', () => {
    const rook = 'ceph.rook.io/v1';
    expect(
      servicesCreatedBy(object(rook, 'CephObjectStore', { gateway: { port: 80, securePort: 443 } })),
    ).toEqual([
      {
        namespace: 'monitoring',
        name: 'rook-ceph-rgw-ouchi',
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    ]);
    expect(servicesCreatedBy(object(rook, 'CephCluster', { dashboard: { enabled: true } }))).toEqual([
      {
        namespace: 'monitoring',
        name: 'rook-ceph-mgr-dashboard',
        ports: [{ port: 8443, name: 'https-dashboard' }],
      },
    ]);
    expect(servicesCreatedBy(object(rook, 'CephCluster', {}))).toEqual([]);
  });
});
