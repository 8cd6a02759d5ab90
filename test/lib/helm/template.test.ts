import { join } from 'node:path';
import { helmTemplate, parseRendered, templateArgs, withoutNulls } from '../../../lib/helm/template';
import { CHART_MIRROR, describeWithCharts, helmBinary } from '../../support/helm';
import { withTempDirAsync } from '../../support/site';

describe('templateArgs', () => {
  it('passes release, namespace, cluster versions, CRDs and no tests', () => {
    expect(
      templateArgs(
        {
          chartPath: '/c.tgz',
          releaseName: 'r',
          namespace: 'ns',
          values: {},
          kubeVersion: '1.33.4',
          apiVersions: ['v1', 'cert-manager.io/v1'],
        },
        '/v.json',
      ),
    ).toEqual([
      'template',
      'r',
      '/c.tgz',
      '--namespace',
      'ns',
      '--kube-version',
      '1.33.4',
      '--api-versions',
      'v1',
      '--api-versions',
      'cert-manager.io/v1',
      '--include-crds',
      '--skip-tests',
      '--values',
      '/v.json',
    ]);
  });
});

describe('parseRendered', () => {
  it('keeps each object with its template and drops empty documents', () => {
    const text =
      '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: A\n---\n---\n# Source: c/charts/sub/templates/b.yaml\napiVersion: v1\nkind: B\n';
    expect(parseRendered(text, 'x')).toEqual([
      { source: 'c/templates/a.yaml', object: { apiVersion: 'v1', kind: 'A' } },
      { source: 'c/charts/sub/templates/b.yaml', object: { apiVersion: 'v1', kind: 'B' } },
    ]);
  });

  it('drops null fields at any depth (Helm prints `annotations:` for an empty map)', () => {
    expect(withoutNulls({ a: null, b: [{ c: null, d: 1 }], e: { f: null } })).toEqual({
      b: [{ d: 1 }],
      e: {},
    });
    expect(parseRendered('kind: A\nmetadata:\n  annotations:\n  name: x\n', 'x')[0].object).toEqual({
      kind: 'A',
      metadata: { name: 'x' },
    });
  });

  it('refuses output that is not objects', () => {
    expect(() => parseRendered('- a\n', 'metallb')).toThrow('metallb: a rendered document is not an object');
    expect(() => parseRendered('a: [\n', 'metallb')).toThrow(
      'metallb: helm printed YAML that does not parse',
    );
  });
});

describeWithCharts('helmTemplate (the pinned Helm)', () => {
  it('renders a chart from the mirror with the values, namespace and API versions given', async () => {
    const helm = await helmBinary();
    await withTempDirAsync(async (scratch) => {
      const text = await helmTemplate(
        helm.path,
        {
          chartPath: join(CHART_MIRROR!, 'metallb-0.16.1.tgz'),
          releaseName: 'metallb',
          namespace: 'metallb-system',
          values: { frrk8s: { enabled: false }, speaker: { frr: { enabled: false } } },
          kubeVersion: '1.33.4',
          apiVersions: [],
        },
        scratch,
      );
      const objects = parseRendered(text, 'metallb');
      const speaker = objects.find((o) => o.object.kind === 'DaemonSet')!;
      expect(speaker.source).toBe('metallb/templates/speaker.yaml');
      expect((speaker.object.metadata as { namespace: string }).namespace).toBe('metallb-system');
      expect(objects.some((o) => o.source.startsWith('metallb/charts/frr-k8s/'))).toBe(false);
      expect(objects.filter((o) => o.object.kind === 'CustomResourceDefinition').length).toBeGreaterThan(0);
    });
  });

  it('reports what Helm says when a render fails', async () => {
    const helm = await helmBinary();
    await withTempDirAsync(async (scratch) => {
      await expect(
        helmTemplate(
          helm.path,
          {
            chartPath: join(CHART_MIRROR!, 'argo-cd-10.1.1.tgz'),
            releaseName: 'argocd',
            namespace: 'argocd',
            values: {},
            kubeVersion: '1.20.0',
            apiVersions: [],
          },
          scratch,
        ),
      ).rejects.toThrow(
        /^helm template exited with 1:\n {4}Error: chart requires kubeVersion: >=1\.25\.0-0 which is incompatible with Kubernetes v1\.20\.0/,
      );
    });
  });
});
