/**
 * Traversal: every path a site file or a command line gives (gitops.path, the certificate, image
 * contexts, --out, --site, --namespace/--name, --repo) tried with `..`, absolute paths and symlinks
 * that lead out. Each is refused naming its field, and a directory outside, which each attempt
 * aims at, keeps every file. publish is also called past the loader, with a symlink in the GitOps repo.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { certFetchCommand } from '../../cli/cert-fetch';
import { diffCommand } from '../../cli/diff';
import { publishCommand, repoArgument } from '../../cli/publish';
import { sealCommand } from '../../cli/seal';
import { git } from '../../lib/gitops/git';
import { publishSite, type SourceState } from '../../lib/gitops/publish';
import { certificateWithKey } from '../support/sealing';
import { readTreeBytes, siteText } from '../support/site';

const ID = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid'];
const SOURCE: SourceState = { commit: '0'.repeat(40), subject: 'test', dirty: [] };

let work: string;
/** The directory every attempt aims at; it must keep its files. */
let victim: string;
let root: string;
let before: Record<string, string>;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ouchi-paths-'));
  victim = mkdtempSync(join(tmpdir(), 'ouchi-victim-'));
  writeFileSync(join(victim, 'keep.txt'), 'precious\n');
  mkdirSync(join(victim, 'site'));
  writeFileSync(join(victim, 'site', 'keep.yaml'), 'kind: Keep\n');
  before = readTreeBytes(victim);
  root = join(work, 'root');
  mkdirSync(root);
});

afterEach(() => {
  expect(readTreeBytes(victim)).toEqual(before);
  rmSync(work, { recursive: true, force: true });
  rmSync(victim, { recursive: true, force: true });
});

/** A site file in `root` with `edit` applied. */
function siteFile(edit: (s: Record<string, any>) => void): string {
  const file = join(root, 'site.yaml');
  writeFileSync(file, siteText(edit));
  return file;
}

const toVictim = () => relative(join(tmpdir(), 'ouchi-publish-x', 'repo'), victim);

describe('paths from the site file', () => {
  it.each([
    ['gitops.path', (s: Record<string, any>, v: string) => (s.gitops.path = v)],
    [
      'sealedSecrets.certificate',
      (s: Record<string, any>, v: string) => (s.sealedSecrets = { certificate: v }),
    ],
    ['images.build[0].context', (s: Record<string, any>, v: string) => (s.images.build[0].context = v)],
    ['images.build[0].dockerfile', (s: Record<string, any>, v: string) => (s.images.build[0].dockerfile = v)],
  ])('%s: .. and absolute paths are refused naming the field', async (field, set) => {
    for (const value of [
      toVictim(),
      `../../${basename(victim)}`,
      victim,
      `a/../../${basename(victim)}`,
      '..',
    ]) {
      const file = siteFile((s) => set(s, value));
      // gitops:publish is where a bad gitops.path deleted a directory; it must stop at the loader.
      await expect(
        publishCommand(['--site', file, '--repo', join(work, 'none.git')], { root }),
      ).rejects.toThrow(new RegExp(`\\n  - ${field.replace(/[.[\]]/g, '\\$&')}: `));
    }
  });
});

describe('gitops:publish past the loader', () => {
  let remote: string;
  let dist: string;
  beforeEach(() => {
    remote = join(work, 'gitops.git');
    git(work, ['init', '--quiet', '--bare', '-b', 'main', remote]);
    const seed = join(work, 'seed');
    git(work, ['clone', '--quiet', remote, seed]);
    // A symlink committed in the GitOps repo, pointing at the victim.
    symlinkSync(victim, join(seed, 'escape'));
    git(seed, ['add', '--all']);
    git(seed, [...ID, 'commit', '--quiet', '-m', 'A symlink out']);
    git(seed, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    dist = join(work, 'dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'x.yaml'), 'kind: X\n');
  });
  const publish =
    (path: string, repo = remote, branch = 'main') =>
    () =>
      publishSite({ distDir: dist, site: 'ouchi-home', repo, branch, path, source: SOURCE });

  it('refuses a traversing or absolute gitops.path before cloning', () => {
    for (const path of [toVictim(), victim, '..', '.', '.git'])
      expect(publish(path)).toThrow(/^gitops\.path: /);
  });

  it('refuses a gitops.path through a symlink in the GitOps repo (checked after checkout)', () => {
    expect(publish('escape')).toThrow(
      /^gitops\.path: "escape" leads outside .*ouchi-publish-.*repo; give a path inside it/,
    );
    expect(publish('escape/site')).toThrow(/^gitops\.path: "escape\/site" leads outside /);
  });

  it('refuses a branch or a repo git would read as an option', () => {
    expect(publish('ouchi-home', remote, '--orphan')).toThrow(
      /^gitops\.branch: "--orphan" is not a git branch name/,
    );
    expect(publish('ouchi-home', `--upload-pack=touch ${join(victim, 'pwned')}`)).toThrow(
      /^--repo: .* starts with -/,
    );
    expect(() => repoArgument('--upload-pack=x')).toThrow(
      '--repo --upload-pack=x: starts with -, which git would read as an option',
    );
  });
});

describe('paths from the command line', () => {
  it('cert:fetch: a certificate path through a symlink out of the repository', () => {
    symlinkSync(victim, join(root, 'certs'));
    const file = siteFile((s) => (s.sealedSecrets = { certificate: 'certs/sealed-secrets.pem' }));
    const pem = certificateWithKey().certPem;
    writeFileSync(
      join(root, 'out.json'),
      JSON.stringify({ site: 'ouchi-home', layers: { bootstrap: { sealingCertificate: pem } } }),
    );
    expect(() =>
      certFetchCommand(['--site', file, '--from-file', join(root, 'out.json')], root, () => undefined),
    ).toThrow(/^sealedSecrets\.certificate: "[^"]+" leads outside /);
  });

  it('seal: --namespace and --name that are not Kubernetes names', async () => {
    const file = siteFile(() => undefined);
    mkdirSync(join(root, 'certs', 'ouchi-home'), { recursive: true });
    writeFileSync(join(root, 'certs', 'ouchi-home', 'sealed-secrets.pem'), certificateWithKey().certPem);
    const io = { stdin: async () => Buffer.from('v'), env: {}, log: () => undefined, root };
    for (const [flag, value] of [
      ['--namespace', `../../../${basename(victim)}`],
      ['--namespace', victim],
      ['--name', `../../../../${basename(victim)}/site/keep`],
      ['--key', '../x'],
    ]) {
      const args = { '--namespace': 'apps', '--name': 'db', '--key': 'password', [flag]: value };
      await expect(sealCommand(['--site', file, ...Object.entries(args).flat()], io)).rejects.toThrow(
        new RegExp(`^${flag} `),
      );
    }
  });

  it('diff: --out and --site outside the repository', async () => {
    for (const out of [join(victim, 'keep.txt'), `../${relative(work, victim)}/keep.txt`]) {
      await expect(diffCommand(['--base-dist', root, '--out', out], root)).rejects.toThrow(
        /^--out: .* leads outside /,
      );
    }
    await expect(
      diffCommand(['--base-dist', root, '--site', join(victim, 'site', 'keep.yaml')], root),
    ).rejects.toThrow(/^--site: .* leads outside /);
  });
});
