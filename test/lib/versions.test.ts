import { readCrdLock, readSchemasLock } from '../../lib/upstream/locks';
import { charts, crdTags, schemaRefs, kubernetesSchemaVersions } from '../../lib/versions';

describe('versions map and locks agree', () => {
  it('pins every CRD URL to the tag in lib/versions.ts', () => {
    for (const entry of readCrdLock().crds) {
      const tag = crdTags[entry.component as keyof typeof crdTags];
      expect({ component: entry.component, tagged: entry.url.includes(`/${tag}/`) }).toEqual({
        component: entry.component,
        tagged: true,
      });
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.kinds.length).toBeGreaterThan(0);
    }
  });

  it('names each CRD component after the chart that installs it (the ordering check relies on it)', () => {
    for (const entry of readCrdLock().crds) expect(Object.keys(charts)).toContain(entry.component);
  });

  it('pins every schema to the ref in lib/versions.ts', () => {
    const lock = readSchemasLock();
    expect(lock.kubernetes.map((k) => k.version)).toEqual([...kubernetesSchemaVersions]);
    for (const k of lock.kubernetes)
      expect(k.url).toContain(`/${schemaRefs.k8s}/kubernetes-schemas/${k.version}/`);
    for (const h of lock.helm) {
      expect(h.url).toContain(`/${schemaRefs[h.chart as keyof typeof schemaRefs]}/`);
      expect(Object.keys(charts)).toContain(h.chart);
    }
  });
});
