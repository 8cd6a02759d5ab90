import { inClusterHost, inClusterUrl, parseServiceUrl } from '../../../lib/manifest/service-urls';

describe('in-cluster Service URLs', () => {
  const loki = { name: 'loki', namespace: 'logging', port: 3100 };

  it('builds the URL and the host of a Service', () => {
    expect(inClusterUrl(loki)).toBe('http://loki.logging.svc:3100');
    expect(inClusterUrl(loki, '/loki/api/v1/push', 'https')).toBe(
      'https://loki.logging.svc:3100/loki/api/v1/push',
    );
    expect(inClusterHost(loki)).toBe('loki.logging.svc:3100');
  });

  it('parses what it builds back into the Service, its port and the path', () => {
    expect(parseServiceUrl(inClusterUrl(loki, '/ready'))).toEqual({
      ...loki,
      scheme: 'http',
      path: '/ready',
    });
  });

  it('reads the cluster domain form and the scheme’s port when none is given', () => {
    expect(parseServiceUrl('https://vmselect-ouchi.monitoring.svc.cluster.local/select/0')).toEqual({
      scheme: 'https',
      name: 'vmselect-ouchi',
      namespace: 'monitoring',
      port: 443,
      path: '/select/0',
    });
    expect(parseServiceUrl('http://rook-ceph-rgw-s3.rook-ceph.svc')).toEqual({
      scheme: 'http',
      name: 'rook-ceph-rgw-s3',
      namespace: 'rook-ceph',
      port: 80,
      path: '',
    });
  });

  it('is not an in-cluster Service for other hosts', () => {
    for (const url of [
      'https://github.com/login/oauth/authorize',
      'https://1.1.1.1/dns-query',
      'http://loki.logging:3100',
      'http://loki.logging.svc.example.com:3100',
      'loki.logging.svc:3100',
    ]) {
      expect(parseServiceUrl(url)).toBeUndefined();
    }
  });
});
