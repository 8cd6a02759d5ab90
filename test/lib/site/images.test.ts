import { checkImages } from '../../../lib/site/checks';
import { parseSite } from '../../../lib/site/load';
import { exampleSite, siteText, siteWith } from '../../support/site';

describe('site images and apps', () => {
  it('passes the example site, and applies the defaults', () => {
    const site = exampleSite();
    expect(checkImages(site)).toEqual([]);
    const minimal = siteWith((s) => (s.images.build = [{ name: 'hello' }]));
    expect(minimal.images?.build[0]).toEqual({
      name: 'hello',
      platforms: ['linux/amd64', 'linux/arm64'],
      tag: 'latest',
      buildArgs: {},
      cache: true,
    });
  });

  it('reports a duplicate image, a platform listed twice, and a node arch no image covers', () => {
    const site = structuredClone(exampleSite());
    site.images!.build.push({ ...site.images!.build[0] });
    site.images!.build[0].platforms = ['linux/amd64', 'linux/amd64'];
    site.nodes[3] = { ...site.nodes[3], arch: 'arm64' };
    site.apps = ['hello', 'hello'];
    expect(checkImages(site)).toEqual([
      { path: 'images.build[0].platforms[1]', message: 'linux/amd64 is listed twice' },
      {
        path: 'images.build[0].platforms',
        message:
          '[linux/amd64, linux/amd64] has no linux/arm64, but nodes[3] (nuc4) is arm64; add linux/arm64',
      },
      { path: 'images.build[2].name', message: 'hello is already used by images.build[0]' },
      { path: 'apps[1]', message: 'hello is listed twice' },
    ]);
  });

  it('rejects a bad registry host, a path out of the repository, an unknown platform and a bad tag', () => {
    const text = siteText((s) => {
      s.images.registry.host = 'https://ghcr.io';
      s.images.build[0] = {
        name: 'hello',
        context: '../elsewhere',
        platforms: ['linux/riscv64'],
        tag: ':v1',
      };
    });
    expect(() => parseSite(text, 'bad-images.yaml')).toThrow(
      [
        'bad-images.yaml is not a valid site file (4 problems):',
        '  - images.registry.host: "https://ghcr.io" must be a registry host like ghcr.io or registry.home.example.com:5000',
        '  - images.build[0].context: "../elsewhere" must be a path relative to the repository root, without .., like images/hello',
        '  - images.build[0].platforms[0]: "linux/riscv64" is not one of "linux/amd64", "linux/arm64", "linux/arm/v7"',
        '  - images.build[0].tag: ":v1" must be a Docker tag like v1.2.0',
      ].join('\n'),
    );
  });
});
