import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFiles } from '../../../cli/graph';
import { applicationGraph, toMermaid, toSvg } from '../../../lib/graph/app-graph';
import { loadSchemaSet, type SchemaSet } from '../../../lib/validate/sources';
import type { Manifest } from '../../../lib/manifest/types';
import { EXAMPLE_SITE_FILE, ROOT } from '../../support/site';

const app = (name: string, wave: number, project: string): Manifest => ({
  file: `apps/application-${name}.yaml`,
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
    spec: { project, source: { repoURL: 'https://git.example/x.git', path: `site/${name}` } },
  },
});
const manifests: Manifest[] = [
  app('metallb', 1, 'platform'),
  {
    // The chart's CRD in metallb's folder is what makes metallb the installer.
    file: 'metallb/customresourcedefinition-ipaddresspools.metallb.io.yaml',
    object: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ipaddresspools.metallb.io' },
      spec: {
        group: 'metallb.io',
        names: { kind: 'IPAddressPool', plural: 'ipaddresspools' },
        scope: 'Namespaced',
      },
    },
  },
  app('metallb-config', 2, 'platform'),
  {
    file: 'metallb-config/ipaddresspool-default.yaml',
    object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'default' } },
  },
];

let schemas: SchemaSet;
beforeAll(async () => {
  schemas = await loadSchemaSet();
});

describe('Application graph', () => {
  it('links the CRD installer to the Application that holds its custom resources', () => {
    expect(applicationGraph(manifests, schemas)).toEqual({
      nodes: [
        { name: 'metallb', project: 'platform', wave: 1 },
        { name: 'metallb-config', project: 'platform', wave: 2 },
      ],
      edges: [{ from: 'metallb', to: 'metallb-config', kinds: ['IPAddressPool'] }],
    });
  });

  it('renders Mermaid with projects as subgraphs and waves in the labels', () => {
    expect(toMermaid(applicationGraph(manifests, schemas))).toBe(
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
    const svg = toSvg(applicationGraph(manifests, schemas));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>wave 1</text>');
    expect(svg).toContain('>wave 2</text>');
    expect(svg).toContain('<title>metallb → metallb-config: IPAddressPool</title>');
  });

  it('matches the committed docs/graph files of the example site (run `npm run graph`), byte for byte', async () => {
    const files = await graphFiles(EXAMPLE_SITE_FILE, ROOT);
    expect(readFileSync(join(ROOT, 'docs', 'graph', `${files.site}.mmd`), 'utf8')).toBe(files.mermaid);
    expect(readFileSync(join(ROOT, 'docs', 'graph', `${files.site}.svg`), 'utf8')).toBe(files.svg);
    // Argo CD's SealedSecret stays in its folder (there is no argocd-config), and fluent-bit's declared
    // need of VMAlertmanager's Service is an edge from the Application whose VMAlertmanager makes it.
    expect(files.mermaid).toContain('  sealed_secrets -->|SealedSecret| argocd\n');
    expect(files.mermaid).not.toContain('argocd_config');
    expect(files.mermaid).toContain('  victoria_metrics_config -->|reference| fluent_bit\n');
  });
});
