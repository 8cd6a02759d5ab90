/**
 * The manifest diff on real git history: a clone of this repository, four commits that change the
 * site (pool, a new database, a re-sealed value), each side synthesized by its own commit's code.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCommand } from '../../cli/diff';
import { startSynthAtRef } from '../../lib/diff/base-tree';
import { sealCommand } from '../../cli/seal';
import { git } from '../../lib/gitops/git';
import { COMMENT_LIMIT } from '../../lib/diff/manifest-diff';
import { ROOT } from '../support/site';

const ID = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid'];
let work: string;
let repo: string;
const commits: Record<'noDatabase' | 'pool' | 'database' | 'sealed', string> = {} as never;

function commitSite(edit: (text: string) => string, message: string): string {
  const file = join(repo, 'site.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  git(repo, ['add', '--all']);
  git(repo, [...ID, 'commit', '--quiet', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']).trim();
}

const MYSQL = /^ {4}- \{ name: crawler.*\n/m;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ouchi-diff-'));
  repo = join(work, 'repo');
  git(work, ['clone', '--quiet', ROOT, repo]);
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  // The generated bindings are gitignored: link them file by file, leaving the tracked README alone.
  for (const file of readdirSync(join(ROOT, 'imports')).filter((f) => f !== 'README.md')) {
    symlinkSync(join(ROOT, 'imports', file), join(repo, 'imports', file));
  }
  // Same schemas, compiled validators and renders: the clone shares this checkout's (content-keyed) caches.
  mkdirSync(join(repo, 'build'));
  for (const cache of ['validator-cache', 'transpile-cache', 'render-cache']) {
    mkdirSync(join(ROOT, 'build', cache), { recursive: true });
    symlinkSync(join(ROOT, 'build', cache), join(repo, 'build', cache));
  }
  const mysqlLine = MYSQL.exec(readFileSync(join(repo, 'site.yaml'), 'utf8'))![0];
  commits.noDatabase = commitSite(
    (t) => t.replace(MYSQL, '').replace('  mysql:\n', '  mysql: []\n'),
    'No database',
  );
  commits.pool = commitSite(
    (t) =>
      t.replace(
        'pool: { start: 192.168.10.200, end: 192.168.10.239 }',
        'pool: { start: 192.168.10.200, end: 192.168.10.229 }',
      ),
    'Shrink the pool',
  );
  commits.database = commitSite(
    (t) => t.replace('  mysql: []\n', `  mysql:\n${mysqlLine}`),
    'Add the crawler database',
  );
  await sealCommand(
    [
      '--site',
      join(repo, 'site.yaml'),
      '--namespace',
      'argocd',
      '--name',
      'argocd-dex-github',
      '--key',
      'clientSecret',
      '--merge',
    ],
    { stdin: async () => Buffer.from('rotated-demo-secret'), env: {}, log: () => undefined, root: repo },
  );
  commits.sealed = commitSite((t) => t, 'Rotate the Dex client secret');
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const diff = (base: string, head: string, out = join(repo, 'build', `${base}-${head}.md`)) =>
  diffCommand(['--base', base, '--head', head, '--out', out], repo);

describe('npm run diff on real commits', () => {
  it('a changed pool gives exactly one changed object', async () => {
    const { comment } = await diff(commits.noDatabase, commits.pool);
    expect(comment).toContain('**0 added, 1 changed, 0 removed** in 1 Application(s).');
    expect(comment).toContain('| `metallb-config` | 0 | 1 | 0 |');
    expect(comment).toContain('-    - "192.168.10.200-192.168.10.239"');
    expect(comment).toContain('+    - "192.168.10.200-192.168.10.229"');
  }, 300_000);

  it('a new component gives an added section', async () => {
    const { comment } = await diff(commits.pool, commits.database);
    expect(comment).toContain('#### `moco-config`');
    expect(comment).toMatch(/\| `moco-config` \| [1-9]\d* \| 0 \| 0 \|/);
    expect(comment).toContain(
      '+ added: Application argocd/moco-config (<code>apps/application-moco-config.yaml</code>)',
    );
    expect(comment).toContain('+ added: MySQLCluster mysql/crawler');
  }, 300_000);

  it('a sealed change shows only as "sealed value changed" with the key name', async () => {
    const { comment, full } = await diff(commits.database, commits.sealed);
    // The SealedSecret is not a custom resource of Argo CD's chart: it stays in the argocd folder.
    expect(comment).toContain('| `argocd` | 0 | 1 | 0 |');
    expect(comment).toContain('sealed value changed: clientSecret');
    const ciphertexts = [commits.database, commits.sealed].map(
      (ref) =>
        (git(repo, ['show', `${ref}:secrets/ouchi-home/argocd/argocd-dex-github.yaml`]).match(
          /clientSecret: (\S+)/,
        ) ?? [])[1],
    );
    for (const c of ciphertexts) {
      expect(c).toMatch(/^[A-Za-z0-9+/=]{100,}$/);
      expect(full).not.toContain(c.slice(0, 40));
    }
  }, 300_000);

  it('an oversized diff stays under GitHub’s limit, and the full diff goes to the file', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const out = join(repo, 'build', 'full.md');
    const { comment, full } = await diffCommand(
      ['--base-dist', empty, '--head', commits.sealed, '--out', out],
      repo,
    );
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toMatch(
      /_… \d+ more Application section\(s\) did not fit in this comment: see the full diff in the `manifest-diff` artifact\._/,
    );
    expect(comment.startsWith('<!-- ouchi:manifest-diff -->')).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(full);
  }, 300_000);

  it('the base synth renders into the working tree’s render cache, so the head never renders again', async () => {
    const ref = commitSite((t) => t.replace('192.168.10.229', '192.168.10.228'), 'Shrink the pool again');
    const cache = join(repo, 'build', 'render-cache');
    rmSync(cache, { force: true });
    mkdirSync(cache);
    try {
      await startSynthAtRef({ root: repo, ref, siteFile: 'site.yaml' }).tree;
      expect(readdirSync(cache).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(10);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      symlinkSync(join(ROOT, 'build', 'render-cache'), cache);
    }
  }, 300_000);
});
