/** The cross-compile rules of ouchi's Dockerfiles, and their defaults agreeing with lib/versions.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianGo, images } from '../../lib/versions';
import { ROOT } from '../support/site';

const IMAGES = join(ROOT, 'images');
const dockerfile = (name: string) => readFileSync(join(IMAGES, name, 'Dockerfile'), 'utf8');
const names = readdirSync(IMAGES).filter((n) => !n.startsWith('.'));

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function stages(text: string): string[][] {
  const out: string[][] = [];
  for (const line of instructions(text)) {
    if (/^FROM\s/i.test(line)) out.push([]);
    out[out.length - 1]?.push(line);
  }
  return out;
}

describe.each(names)('images/%s/Dockerfile', (name) => {
  const text = dockerfile(name);
  const [build, final] = stages(text);

  it('builds on the build platform from TARGETOS/TARGETARCH/TARGETVARIANT', () => {
    expect(build[0]).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{GO_IMAGE\} AS build$/);
    for (const arg of ['TARGETOS', 'TARGETARCH', 'TARGETVARIANT']) expect(build).toContain(`ARG ${arg}`);
    const run = build.find((l) => l.startsWith('RUN '))!;
    expect(run).toContain('GOOS="${TARGETOS}" GOARCH="${TARGETARCH}" GOARM="${goarm}"');
    expect(run).toContain('goarm="${TARGETVARIANT#v}"');
    expect(run).toContain('arm64 takes no GOARM');
  });

  it('ends in a stage with no RUN step that runs as non-root', () => {
    expect(final.filter((l) => /^RUN\s/i.test(l))).toEqual([]);
    const user = final.find((l) => /^USER\s/i.test(l));
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
  });

  it('takes its images as build args whose defaults are lib/versions.ts', () => {
    expect(text).toContain(`ARG GO_IMAGE=${images.golang}\n`);
    if (name === 'hello') expect(text).toContain(`ARG BASE_IMAGE=${images.distrolessStatic}\n`);
    if (name === 'fluent-bit-plugin') expect(text).toContain(`ARG FLUENT_BIT_IMAGE=${images.fluentBit}\n`);
  });

  it('needs no newer Go than Debian 12’s (the go directive is a minimum, not a pin)', () => {
    expect(readFileSync(join(IMAGES, name, 'go.mod'), 'utf8')).toMatch(
      new RegExp(`^go ${debianGo.replace('.', '\\.')}$`, 'm'),
    );
  });
});

describe('the plugin', () => {
  it('is built with cgo as a shared object by a cross C compiler', () => {
    const run = stages(dockerfile('fluent-bit-plugin'))[0].find((l) => l.startsWith('RUN '))!;
    expect(run).toContain('CGO_ENABLED=1 CC="${cc}"');
    expect(run).toContain('-buildmode=c-shared');
    expect(run).toContain('cc=aarch64-linux-gnu-gcc');
  });
});
