import {
  COMMENT_MARKER,
  diffManifests,
  identityOf,
  renderComment,
  renderFull,
} from '../../../lib/diff/manifest-diff';
import type { Manifest } from '../../../lib/manifest/types';

const configMap = (name: string, data: Record<string, string>, namespace = 'app-x'): Manifest['object'] => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const options = { base: 'main', head: 'topic', site: 'lab' };

describe('diffManifests', () => {
  it('sees no change where only the order of keys differs (a parsed side against a rendered one)', () => {
    const object = configMap('settings', { a: '1', b: '2' });
    const reordered = {
      data: { b: '2', a: '1' },
      metadata: object.metadata,
      kind: 'ConfigMap',
      apiVersion: 'v1',
    };
    const file = 'app-x/configmap-settings.yaml';
    expect(diffManifests([{ file, object }], [{ file, object: reordered }])).toEqual([]);
    expect(
      diffManifests([{ file, object }], [{ file, object: { ...reordered, data: { a: '1' } } }]),
    ).toHaveLength(1);
  });

  it('matches objects by identity: a moved object is one change that says where it came from', () => {
    const base: Manifest[] = [
      { file: 'old-app/configmap-settings.yaml', object: configMap('settings', { a: '1' }) },
    ];
    const head: Manifest[] = [
      { file: 'new-app/configmap-settings.yaml', object: configMap('settings', { a: '1' }) },
    ];
    expect(diffManifests(base, head)).toEqual([
      {
        application: 'new-app',
        changes: [
          {
            kind: 'changed',
            file: 'new-app/configmap-settings.yaml',
            object: 'ConfigMap app-x/settings',
            detail: 'moved from old-app/configmap-settings.yaml',
          },
        ],
      },
    ]);
  });

  it('tells apart objects of the same name in another namespace or API group', () => {
    const a = configMap('same', {});
    expect(identityOf(a)).toBe('/ConfigMap/app-x/same');
    expect(identityOf(configMap('same', {}, 'app-y'))).not.toBe(identityOf(a));
    expect(identityOf({ ...a, apiVersion: 'example.com/v1' })).toBe('example.com/ConfigMap/app-x/same');
  });
});

describe('renderComment', () => {
  const big = (lines: number) =>
    Object.fromEntries(Array.from({ length: lines }, (_, i) => [`k${i}`, `v${i}`]));

  it('truncates a long object diff with a note, while the full rendering keeps every line', () => {
    const apps = diffManifests([], [{ file: 'x/configmap-big.yaml', object: configMap('big', big(200)) }]);
    const comment = renderComment(apps, { ...options, maxLinesPerObject: 20 });
    expect(comment).toMatch(/\n… \d+ more lines in the full diff\n/);
    expect(comment).not.toContain('k150: v150');
    expect(renderFull(apps, options)).toContain('k150: v150');
  });

  it('cuts even the summary when it alone is over the limit, and stays within it', () => {
    const many: Manifest[] = Array.from({ length: 400 }, (_, i) => ({
      file: `application-${String(i).padStart(3, '0')}/configmap-c.yaml`,
      object: configMap(`c${i}`, {}),
    }));
    const limit = 4000;
    const comment = renderComment(diffManifests([], many), { ...options, limit });
    expect(comment.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment.length).toBeLessThanOrEqual(limit);
    expect(comment).toContain('_… 400 more Application section(s) did not fit in this comment');
  });
});
