import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { schemasOf, selectCrds } from '../../cli/crds';
import type { CrdLockEntry } from '../../lib/upstream/locks';
import { ROOT } from '../support/site';

const crd = (kind: string, group = 'example.com') => `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${kind.toLowerCase()}s.${group} }
spec:
  group: ${group}
  scope: Namespaced
  names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }
  versions:
    - name: v1
      served: true
      schema: { openAPIV3Schema: { type: object } }
    - name: v0
      served: false
      schema: { openAPIV3Schema: { type: object } }
`;

const entry: CrdLockEntry = {
  component: 'demo',
  url: 'https://example.com/v1/crds.yaml',
  sha256: 'x',
  kinds: ['Widget'],
};

describe('npm run crds', () => {
  it('keeps only the listed kinds of a multi-document file, and only served versions', () => {
    const docs = selectCrds(entry, crd('Gadget') + crd('Widget'));
    expect(docs.map((d) => d.spec.names.kind)).toEqual(['Widget']);
    expect(schemasOf(entry, docs[0])).toEqual([
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        plural: 'widgets',
        scope: 'Namespaced',
        component: 'demo',
        sourceSha256: 'x',
        schema: { type: 'object' },
      },
    ]);
  });

  it('fails when a listed kind is not in the file, naming what is there', () => {
    expect(() => selectCrds({ ...entry, kinds: ['Widgit'] }, crd('Gadget') + crd('Widget'))).toThrow(
      'crds.lock.json: https://example.com/v1/crds.yaml defines no CRD of kind Widgit (it has: Gadget, Widget)',
    );
  });

  it('leaves cdk8s.yaml without machine-specific import paths', () => {
    const config = parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8'));
    expect(config.imports).toBeUndefined();
    expect(config.app).toBe('node --import ./scripts/fresh-build.mjs build/cli/synth.js');
  });
});
