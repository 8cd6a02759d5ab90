/**
 * renovate.json against Renovate's own JSON schema (from the pinned renovate@39 npm tarball), its keys
 * against the options Renovate knows, and its regex managers against the files they must update.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSchemasLock } from '../../lib/upstream/locks';
import { resolvePinned } from '../../lib/upstream/resolve';
import { readTarMember } from '../../lib/upstream/tar';
import { charts, crdTags } from '../../lib/versions';
import { ROOT } from '../support/site';

type Json = Record<string, any>;
const config = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as Json;
let schema: Json;

beforeAll(async () => {
  const pin = readSchemasLock().renovate;
  const tgz = await resolvePinned({ url: pin.url, sha256: pin.sha256, mirrorPath: 'renovate.tgz' });
  schema = JSON.parse(readTarMember(tgz, pin.member).toString('utf8')) as Json;
}, 120_000);

/** Property names an item schema allows, across its allOf branches. */
function itemKeys(arraySchema: Json): Set<string> {
  const branches = (arraySchema.items.allOf ?? [arraySchema.items]) as Json[];
  return new Set(branches.flatMap((b) => Object.keys(b.properties ?? {})));
}

function unknownKeys(object: Json, known: Set<string>): string[] {
  return Object.keys(object).filter((k) => !known.has(k));
}

describe('renovate.json', () => {
  it('is valid against Renovate’s JSON schema', () => {
    const { $schema: _draft, ...body } = schema;
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(body);
    expect(validate(config)).toBe(true);
  });

  it('uses only options Renovate knows, at every level (the schema leaves objects open)', () => {
    const root = new Set([...Object.keys(schema.properties), '$schema']);
    expect(unknownKeys(config, root)).toEqual([]);
    // Managers and rules also take general options (e.g. fileMatch), which the root lists.
    const managerKeys = new Set([...itemKeys(schema.properties.customManagers), ...root]);
    for (const m of config.customManagers) expect(unknownKeys(m, managerKeys)).toEqual([]);
    const ruleKeys = new Set([...itemKeys(schema.properties.packageRules), ...root]);
    for (const r of config.packageRules) expect(unknownKeys(r, ruleKeys)).toEqual([]);
    // The check itself can fail: a typo is caught.
    expect(unknownKeys({ ...config.customManagers[0], matchStringz: [] }, managerKeys)).toEqual([
      'matchStringz',
    ]);
  });

  const extract = (file: string): Json[] => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return config.customManagers
      .filter((m: Json) => m.fileMatch.some((f: string) => new RegExp(f).test(file)))
      .flatMap((m: Json) =>
        m.matchStrings.flatMap((s: string) =>
          [...text.matchAll(new RegExp(s, 'g'))].map((x) => ({ ...x.groups })),
        ),
      );
  };

  it('finds every Helm chart and CRD tag of lib/versions.ts', () => {
    const found = extract('lib/versions.ts');
    for (const chart of Object.values(charts)) {
      expect(found).toContainEqual({
        depName: chart.chart,
        registryUrl: chart.repoURL,
        currentValue: chart.version,
      });
    }
    const tags = found.filter((f) => f.datasource === 'github-tags').map((f) => f.currentValue);
    expect(tags.sort()).toEqual(Object.values(crdTags).sort());
  });

  it('finds every tagged image of lib/versions.ts', () => {
    const images = extract('lib/versions.ts').filter(
      (f) => f.depName?.includes('/') || f.repository !== undefined,
    );
    const refs = images.map((f) =>
      f.repository ? `${f.registry}/${f.repository}:${f.currentValue}` : `${f.depName}:${f.currentValue}`,
    );
    expect(refs).toEqual(
      expect.arrayContaining([
        'docker.io/bitnamilegacy/contour:1.32.1-debian-12-r0',
        'docker.io/bitnamilegacy/envoy:1.34.5-debian-12-r0',
        'quay.io/ceph/ceph:v19.2.3',
        'ghcr.io/cybozu-go/moco/mysql:8.4.8',
      ]),
    );
  });

  it('finds the tag of every CRD source in crds.lock.json', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'crds.lock.json'), 'utf8')) as {
      crds: { url: string }[];
    };
    expect(extract('crds.lock.json')).toHaveLength(lock.crds.length);
  });
});
