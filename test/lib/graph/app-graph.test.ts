import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFiles } from '../../../cli/graph';
import { applicationGraph, toMermaid, toSvg } from '../../../lib/graph/app-graph';
import type { CrdKindSchema } from '../../../lib/validate/sources';
import type { Manifest } from '../../../lib/validate/validator';
import { EXAMPLE_SITE_FILE, ROOT } from '../../support/site';

const crds = new Map<string, CrdKindSchema>([
  [
    'metallb.io/v1beta1/IPAddressPool',
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      plural: 'ipaddresspools',
      scope: 'Namespaced',
      component: 'metallb',
      sourceSha256: 'x',
      schema: {},
    },
  ],
]);
const app = (name: string, wave: number, project: string, sources: object[]): Manifest => ({
  file: `apps/application-${name}.yaml`,
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
    spec: { project, sources },
  },
});
const manifests: Manifest[] = [
  app('metallb', 1, 'platform', [{ chart: 'metallb' }]),
  app('metallb-config', 2, 'platform', [{ path: 'site/metallb-config' }]),
  {
    file: 'metallb-config/ipaddresspool-default.yaml',
    object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'default' } },
  },
];

describe('Application graph', () => {
  it('links the CRD installer to the Application that holds its custom resources', () => {
    expect(applicationGraph(manifests, { crds })).toEqual({
      nodes: [
        { name: 'metallb', project: 'platform', wave: 1 },
        { name: 'metallb-config', project: 'platform', wave: 2 },
      ],
      edges: [{ from: 'metallb', to: 'metallb-config', kinds: ['IPAddressPool'] }],
    });
  });

  it('renders Mermaid with projects as subgraphs and waves in the labels', () => {
    expect(toMermaid(applicationGraph(manifests, { crds }))).toBe(
      [
        'flowchart LR',
        '  subgraph project_platform["AppProject platform"]',
        '    metallb["metallb<br/>wave 1"]',
        '    metallb_config["metallb-config<br/>wave 2"]',
        '  end',
        '  metallb -->|IPAddressPool| metallb_config',
        '',
      ].join('\n'),
    );
  });

  it('lays the SVG out by wave, one column each', () => {
    const svg = toSvg(applicationGraph(manifests, { crds }));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>wave 1</text>');
    expect(svg).toContain('>wave 2</text>');
    expect(svg).toContain('<title>metallb → metallb-config: IPAddressPool</title>');
  });

  it('matches the committed docs/graph files of the example site (run `npm run graph`), byte for byte', async () => {
    const files = await graphFiles(EXAMPLE_SITE_FILE, ROOT);
    expect(readFileSync(join(ROOT, 'docs', 'graph', `${files.site}.mmd`), 'utf8')).toBe(files.mermaid);
    expect(readFileSync(join(ROOT, 'docs', 'graph', `${files.site}.svg`), 'utf8')).toBe(files.svg);
    expect(files.mermaid).toContain('sealed_secrets -->|SealedSecret| argocd_config');
  });
});
