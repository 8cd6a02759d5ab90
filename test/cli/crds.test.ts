import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateBindings, schemasOf, selectCrds } from '../../cli/crds';
import { bindingsVersion } from '../../lib/validate/sources';
import type { CrdLockEntry, K8sSchemaLockEntry } from '../../lib/upstream/locks';
import { ROOT, withTempDirAsync } from '../support/site';

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

const pin = (version: string): K8sSchemaLockEntry => ({ version, url: '', file: '', sha256: '' });

/** Two definitions in the OpenAPI shape: an object kind (it has metadata) and a type it uses. */
const DEFINITIONS = JSON.stringify({
  definitions: {
    'io.k8s.api.demo.v1.Widget': {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        size: { type: 'integer' },
      },
      'x-kubernetes-group-version-kind': [{ group: 'demo', version: 'v1', kind: 'Widget' }],
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      type: 'object',
      properties: { name: { type: 'string' } },
    },
  },
});

describe('the bindings of npm run crds', () => {
  it('come from the oldest pinned Kubernetes version, compared number by number', () => {
    expect(bindingsVersion([pin('v1.36.0'), pin('v1.9.0'), pin('v1.10.2')]).version).toBe('v1.9.0');
    expect(bindingsVersion([pin('v1.33.0'), pin('v1.36.0')]).version).toBe('v1.33.0');
    expect(() => bindingsVersion([])).toThrow('schemas.lock.json: kubernetes lists no version');
  });

  it('are generated in this process: one module per CRD group, k8s.ts from the given definitions', async () => {
    await withTempDirAsync(async (dir) => {
      const crdFile = join(dir, 'crds.yaml');
      writeFileSync(crdFile, crd('Widget') + crd('Gadget', 'other.example.com'));
      const out = join(dir, 'imports');
      await generateBindings(out, crdFile, { version: '1.99.0', definitions: DEFINITIONS });
      expect(readdirSync(out).sort()).toEqual(['example.com.ts', 'k8s.ts', 'other.example.com.ts']);
      const k8s = readFileSync(join(out, 'k8s.ts'), 'utf8');
      expect(k8s).toContain('export class KubeWidget extends ApiObject');
      expect(k8s).toContain("apiVersion: 'demo/v1'");
      expect(readFileSync(join(out, 'example.com.ts'), 'utf8')).toContain(
        'export class Widget extends ApiObject',
      );
    });
  }, 60_000);
});
