/** The cross-compile rules of ouchi's Dockerfiles, and their defaults agreeing with lib/versions.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianGo, images } from '../../lib/versions';
import { ROOT } from '../support/site';

const IMAGES = join(ROOT, 'images');
const dockerfile = (name: string) => readFileSync(join(IMAGES, name, 'Dockerfile'), 'utf8');
const names = readdirSync(IMAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
  .map((e) => e.name);

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
    const compile = build.find((l) => l.startsWith('RUN ') && l.includes('go build'))!;
    expect(compile).toContain('GOOS="${TARGETOS}" GOARCH="${TARGETARCH}" GOARM="${goarm}"');
    const runs = build.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(runs).toContain('goarm="${TARGETVARIANT#v}"');
    expect(runs).toContain('arm64 takes no GOARM');
  });

  it('downloads the modules in a layer of their own, before any source is copied', () => {
    const copies = build.filter((l) => l.startsWith('COPY '));
    expect(copies[0]).toBe('COPY go.mod go.sum ./');
    const download = build.findIndex((l) => /^RUN .*\bgo mod download$/.test(l));
    expect(download).toBe(build.indexOf(copies[0]) + 1);
    // Every later COPY brings sources, and the build comes after all of them.
    const compile = build.findIndex((l) => l.includes('go build'));
    for (const copy of copies.slice(1)) {
      expect(copy).not.toMatch(/\bgo\.(mod|sum)\b/);
      expect(build.indexOf(copy)).toBeGreaterThan(download);
      expect(build.indexOf(copy)).toBeLessThan(compile);
    }
  });

  it('commits go.sum, the checksum record the download is verified against', () => {
    const goMod = readFileSync(join(IMAGES, name, 'go.mod'), 'utf8');
    const goSum = readFileSync(join(IMAGES, name, 'go.sum'), 'utf8');
    // Each required module has its checksums (an empty go.sum only for a module that requires none).
    for (const [, path, version] of goMod.matchAll(
      /^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/\S+) (v\S+)/gm,
    )) {
      expect(goSum).toContain(`${path} ${version} h1:`);
      expect(goSum).toContain(`${path} ${version}/go.mod h1:`);
    }
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
  const [build, final] = stages(dockerfile('fluent-bit-plugin'));

  it('is built with cgo as a shared object by a cross C compiler, chosen before the sources arrive', () => {
    const compile = build.find((l) => l.includes('go build'))!;
    expect(compile).toContain('CGO_ENABLED=1 CC="${cc}"');
    expect(compile).toContain('-buildmode=c-shared');
    const chooser = build.findIndex((l) => l.includes('cc=aarch64-linux-gnu-gcc'));
    expect(chooser).toBeGreaterThan(-1);
    expect(chooser).toBeLessThan(build.findIndex((l) => l.startsWith('COPY ')));
  });

  it('is written on Fluent Bit’s own Go library, not on hand-declared proxy structs', () => {
    expect(readFileSync(join(IMAGES, 'fluent-bit-plugin', 'go.mod'), 'utf8')).toMatch(
      /^require github\.com\/fluent\/fluent-bit-go v\S+$/m,
    );
    expect(readdirSync(join(IMAGES, 'fluent-bit-plugin'))).not.toContain('msgpack.go');
    expect(readFileSync(join(IMAGES, 'fluent-bit-plugin', 'main.go'), 'utf8')).not.toMatch(/struct flb_/);
  });

  it('ships the plugins.conf that loads the shared object it copies', () => {
    const so = /^COPY --from=build \S+ (\S+\.so)$/.exec(final.find((l) => l.includes('.so'))!)![1];
    expect(final).toContain('COPY plugins.conf /fluent-bit/etc/plugins.conf');
    expect(readFileSync(join(IMAGES, 'fluent-bit-plugin', 'plugins.conf'), 'utf8')).toBe(
      `[PLUGINS]\n    Path ${so}\n`,
    );
  });
});
