import { checkSyncOrder, customResourceUses } from '../../../lib/checks/ordering';
import { loadSchemaSet, type SchemaSet } from '../../../lib/validate/sources';
import type { Manifest } from '../../../lib/validate/validator';

/** An Application with its one source: its folder of the GitOps repo. */
function app(name: string, wave: number): Manifest {
  return {
    file: `apps/application-${name}.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
      spec: {
        project: 'platform',
        source: { repoURL: 'https://git.example/x.git', targetRevision: 'main', path: `site/${name}` },
      },
    },
  };
}

/** The IPAddressPool CRD as a chart renders it into `folder`. */
const crdIn = (folder: string): Manifest => ({
  file: `${folder}/customresourcedefinition-ipaddresspools.metallb.io.yaml`,
  object: {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'ipaddresspools.metallb.io' },
    spec: {
      group: 'metallb.io',
      names: { kind: 'IPAddressPool', plural: 'ipaddresspools' },
      scope: 'Namespaced',
      versions: [{ name: 'v1beta1', served: true, storage: true }],
    },
  },
});
const poolIn = (folder: string): Manifest => ({
  file: `${folder}/ipaddresspool-default.yaml`,
  object: {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'default', namespace: 'metallb-system' },
  },
});

let schemas: SchemaSet;
beforeAll(async () => {
  // The pinned Kubernetes definitions: what is built in needs no CRD, whatever else does.
  schemas = await loadSchemaSet();
});

describe('checkSyncOrder', () => {
  it('passes when the CR syncs after the Application whose folder holds the CRD', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 1), crdIn('metallb'), app('metallb-config', 2), poolIn('metallb-config')],
        schemas,
      ),
    ).toEqual([]);
  });

  it('reads the installer off the folders: the CRD, not a declaration, makes an Application its installer', () => {
    const uses = customResourceUses(
      [app('metallb', 1), crdIn('metallb'), app('metallb-config', 2), poolIn('metallb-config')],
      schemas,
    );
    // The CRD itself is a built-in kind: only the pool is a custom resource.
    expect(uses.map((u) => [u.app.name, u.groupKind, u.installers.map((i) => i.name)])).toEqual([
      ['metallb-config', 'metallb.io/IPAddressPool', ['metallb']],
    ]);
    // Moved to another folder, the CRD moves its installer with it.
    const moved = customResourceUses(
      [app('crds', 0), crdIn('crds'), app('metallb', 1), app('metallb-config', 2), poolIn('metallb-config')],
      schemas,
    );
    expect(moved.map((u) => u.installers.map((i) => i.name))).toEqual([['crds']]);
  });

  it('fails when the CR syncs in the same wave, naming both Applications', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 1), crdIn('metallb'), app('metallb-config', 1), poolIn('metallb-config')],
        schemas,
      ),
    ).toEqual([
      'Application metallb-config (wave 1) holds a IPAddressPool whose CRD Application metallb applies in wave 1; metallb-config must sync in a later wave than metallb',
    ]);
  });

  it('fails when the CR syncs earlier', () => {
    expect(
      checkSyncOrder(
        [app('metallb', 3), crdIn('metallb'), app('metallb-config', 2), poolIn('metallb-config')],
        schemas,
      ),
    ).toEqual([
      'Application metallb-config (wave 2) holds a IPAddressPool whose CRD Application metallb applies in wave 3; metallb-config must sync in a later wave than metallb',
    ]);
  });

  it('fails when the CR shares the folder of the Application that applies its CRD', () => {
    expect(checkSyncOrder([app('metallb', 1), crdIn('metallb'), poolIn('metallb')], schemas)).toEqual([
      'Application metallb both applies the CRD of IPAddressPool and holds a IPAddressPool (metallb/ipaddresspool-default.yaml); move the IPAddressPool to a later Application',
    ]);
  });

  it('fails when no Application applies the CRD, also when a folder no Application syncs holds it', () => {
    const expected = [
      'Application metallb-config holds a IPAddressPool (metallb-config/ipaddresspool-default.yaml), but no Application applies its CRD (metallb.io/IPAddressPool)',
    ];
    expect(checkSyncOrder([app('metallb-config', 2), poolIn('metallb-config')], schemas)).toEqual(expected);
    expect(
      checkSyncOrder([crdIn('orphan'), app('metallb-config', 2), poolIn('metallb-config')], schemas),
    ).toEqual(expected);
  });
});
