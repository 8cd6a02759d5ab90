import { checkSyncOrder } from '../../../lib/checks/ordering';
import type { CrdKindSchema } from '../../../lib/validate/sources';
import type { Manifest } from '../../../lib/validate/validator';
import { charts } from '../../../lib/versions';

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

function app(name: string, wave: number, sources: object[]): Manifest {
  return {
    file: `apps/application-${name}.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
      spec: { sources },
    },
  };
}

const chart = { repoURL: charts.metallb.repoURL, chart: 'metallb', targetRevision: charts.metallb.version };
const folder = (name: string) => ({ repoURL: 'https://git.example/x.git', path: `site/${name}` });
const pool: Manifest = {
  file: 'metallb-config/ipaddresspool-default.yaml',
  object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'default' } },
};

describe('checkSyncOrder', () => {
  it('passes when the CR syncs after the CRD installer', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 1, [chart]), app('metallb-config', 2, [folder('metallb-config')]), pool],
        { crds },
      ),
    ).toEqual([]);
  });

  it('fails when the CR syncs in the same wave, naming both Applications', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 1, [chart]), app('metallb-config', 1, [folder('metallb-config')]), pool],
        { crds },
      ),
    ).toEqual([
      'Application metallb-config (wave 1) holds a IPAddressPool whose CRD Application metallb installs in wave 1; metallb-config must sync in a later wave than metallb',
    ]);
  });

  it('fails when the CR syncs earlier', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 3, [chart]), app('metallb-config', 2, [folder('metallb-config')]), pool],
        { crds },
      ),
    ).toHaveLength(1);
  });

  it('fails when the CR shares the Application that installs its CRD', () => {
    expect(checkSyncOrder([app('metallb', 1, [chart, folder('metallb-config')]), pool], { crds })).toEqual([
      'Application metallb both installs the CRD of IPAddressPool and holds a IPAddressPool (metallb-config/ipaddresspool-default.yaml); move the IPAddressPool to a later Application',
    ]);
  });

  it('fails when no Application installs the CRD', () => {
    expect(checkSyncOrder([app('metallb-config', 2, [folder('metallb-config')]), pool], { crds })).toEqual([
      'Application metallb-config holds a IPAddressPool (metallb-config/ipaddresspool-default.yaml), but no Application installs its CRD (chart metallb)',
    ]);
  });
});
