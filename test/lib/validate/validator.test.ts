import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform } from '../../../charts';
import { createValidator } from '../../../lib/validate';
import { CompileCache } from '../../../lib/validate/compile-cache';
import {
  formatFinding,
  ManifestValidator,
  pointerToPath,
  type Finding,
} from '../../../lib/validate/validator';
import type { ManifestObject } from '../../../lib/manifest/types';
import { charts } from '../../../lib/versions';
import { exampleSite, ROOT } from '../../support/site';

let validator: ManifestValidator;
beforeAll(async () => {
  validator = (await createValidator()).validator;
});

function check(object: ManifestObject): Finding[] {
  return validator.validate([{ file: 'f.yaml', object }]);
}

const deployment = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
          },
        ],
      },
    },
  },
});

const pool = (): any => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'default', namespace: 'metallb-system' },
  spec: { addresses: ['10.0.0.200-10.0.0.210'] },
});

describe('ManifestValidator', () => {
  it('accepts valid core and custom objects', () => {
    expect(check(deployment())).toEqual([]);
    expect(check(pool())).toEqual([]);
  });

  it('rejects a typo in a core kind, against both Kubernetes versions', () => {
    const d = deployment();
    d.spec.replcas = 3;
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    const findings = check(d);
    expect(findings.map(formatFinding)).toEqual([
      'f.yaml: Deployment demo/web: spec.replcas: unknown field "replcas"; the schema does not define it (check its spelling) [unknown field; k8s v1.33.0, v1.36.0]',
      'f.yaml: Deployment demo/web: spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy"; the schema does not define it (check its spelling) [unknown field; k8s v1.33.0, v1.36.0]',
    ]);
  });

  it('rejects a wrong type and a missing required field in a core kind', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    delete d.spec.selector;
    expect(check(d).map((f) => `${f.path} | ${f.rule} | ${f.message}`)).toEqual([
      'spec.selector | required | required field "selector" is missing',
      'spec.template.spec.containers[0].ports[0].containerPort | type | "8080" must be of type integer',
    ]);
  });

  it('rejects a typo in a custom resource, its metadata included', () => {
    const p = pool();
    p.spec.adresses = p.spec.addresses;
    delete p.spec.addresses;
    p.metadata.lables = { a: 'b' };
    expect(check(p).map(formatFinding)).toEqual([
      'f.yaml: IPAddressPool metallb-system/default: metadata.lables: unknown field "lables"; the schema does not define it (check its spelling) [unknown field; CRD metallb]',
      'f.yaml: IPAddressPool metallb-system/default: spec.addresses: required field "addresses" is missing [required; CRD metallb]',
      'f.yaml: IPAddressPool metallb-system/default: spec.adresses: unknown field "adresses"; the schema does not define it (check its spelling) [unknown field; CRD metallb]',
    ]);
  });

  it('rejects a wrong enum value in a custom resource', () => {
    const certificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web', namespace: 'demo' },
      spec: {
        secretName: 'web-tls',
        dnsNames: ['web.example.com'],
        issuerRef: { name: 'ca', kind: 'ClusterIssuer' },
        privateKey: { algorithm: 'RSA4096' },
      },
    };
    expect(check(certificate)).toEqual([
      {
        file: 'f.yaml',
        object: 'Certificate demo/web',
        path: 'spec.privateKey.algorithm',
        rule: 'enum',
        message: '"RSA4096" is not one of "RSA", "ECDSA", "Ed25519"',
        schema: 'CRD cert-manager',
      },
    ]);
  });

  it('rejects Helm values that break the chart schema, naming the app and the chart', () => {
    const where = {
      file: 'metallb/',
      object: `values of chart metallb ${charts.metallb.version}`,
    };
    expect(
      validator.validateValues('metallb', { controller: { logLevel: 'verbose' } }, where).map(formatFinding),
    ).toEqual([
      `metallb/: values of chart metallb ${charts.metallb.version}: controller.logLevel: "verbose" is not one of "all", "debug", "info", "warn", "error", "none" [enum; values.schema.json of chart metallb]`,
    ]);
    expect(validator.validateValues('metallb', { controller: { logLevel: 'info' } }, where)).toEqual([]);
  });

  it('accepts the Helm values of every chart of the example site', () => {
    const releases = buildPlatform(exampleSite()).platform.components.flatMap((c) =>
      c.spec.chart === undefined ? [] : [{ app: c.name, ...c.spec.chart }],
    );
    expect(releases.length).toBeGreaterThanOrEqual(10);
    for (const { app, chart, values } of releases) {
      const where = { file: `${app}/`, object: `values of chart ${chart.chart} ${chart.version}` };
      expect(validator.validateValues(chart.chart, values, where).map(formatFinding)).toEqual([]);
    }
  });

  it('rejects an object no schema knows', () => {
    expect(
      check({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).map(formatFinding),
    ).toEqual([
      'f.yaml: Widget w: (root): no schema knows example.com/v1 Widget: it is not a Kubernetes kind and no CRD in crds.lock.json defines it [no schema; ouchi]',
    ]);
  });

  it('rejects a kind the oldest supported Kubernetes does not serve (DeviceClass is resource.k8s.io/v1 from 1.34)', () => {
    const deviceClass = {
      apiVersion: 'resource.k8s.io/v1',
      kind: 'DeviceClass',
      metadata: { name: 'gpu' },
      spec: {},
    };
    expect(check(deviceClass).map(formatFinding)).toEqual([
      'f.yaml: DeviceClass gpu: apiVersion: resource.k8s.io/v1 DeviceClass does not exist in this Kubernetes version [not served; k8s v1.33.0]',
    ]);
  });

  it('turns JSON pointers into JSON paths', () => {
    expect(pointerToPath('/spec/addresses/0')).toBe('spec.addresses[0]');
    expect(pointerToPath('/metadata/annotations/a~1b')).toBe('metadata.annotations.a/b');
    expect(pointerToPath('')).toBe('(root)');
  });
});

describe('CompileCache', () => {
  const withDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'ouchi-cache-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const modules = (dir: string, ext = '.js') => readdirSync(dir).filter((f) => f.endsWith(ext));

  it('compiles each schema once, into a module of its own, and loads only the ones a process needs', () =>
    withDir(async (dir) => {
      const first = (await createValidator({ cacheDir: dir })).validator;
      first.validate([
        { file: 'f.yaml', object: deployment() },
        { file: 'p.yaml', object: pool() },
      ]);
      // Deployment against two Kubernetes versions, and the IPAddressPool CRD: one module each.
      expect(first.compileCache.compiled).toBe(3);
      expect(modules(dir)).toHaveLength(3);

      // A new process checks a changed Deployment: it loads the Deployment's two modules, not the CRD's.
      const second = (await createValidator({ cacheDir: dir })).validator;
      const d = deployment();
      d.spec.replcas = 1;
      expect(
        second.validate([
          { file: 'f.yaml', object: d },
          { file: 'p.yaml', object: pool() },
        ]),
      ).toHaveLength(1);
      expect(second.compileCache.compiled).toBe(0);
      expect(second.compileCache.loaded).toBe(2);
      expect(second.memo.hits).toBe(1);
      // The first load of a module wrote V8's code cache beside it.
      expect(modules(dir, '.js.v8')).toHaveLength(2);

      // The same objects as the first run: both passed before, so nothing is loaded at all.
      const third = (await createValidator({ cacheDir: dir })).validator;
      expect(
        third.validate([
          { file: 'f.yaml', object: deployment() },
          { file: 'p.yaml', object: pool() },
        ]),
      ).toEqual([]);
      expect(third.compileCache.loaded).toBe(0);
      expect(third.memo.hits).toBe(2);
    }));

  it('remembers passes, never failures: a bad object is checked, and reported, every time', () =>
    withDir(async (dir) => {
      const bad = deployment();
      bad.spec.replcas = 1;
      for (let run = 0; run < 2; run++) {
        const { validator: v } = await createValidator({ cacheDir: dir });
        expect(v.validate([{ file: 'f.yaml', object: bad }]).map((f) => f.path)).toEqual(['spec.replcas']);
        expect(v.memo.hits).toBe(0);
      }
    }));

  it('loads Ajv only to compile: a process whose validators are on disk never requires it', () =>
    withDir(async (dir) => {
      (await createValidator({ cacheDir: dir })).validator.validate([{ file: 'p.yaml', object: pool() }]);
      // A process of its own (jest's registry would hide what loads); the source, run by ts-node.
      const script = `
        const { createValidator } = require(${JSON.stringify(join(ROOT, 'lib', 'validate'))});
        createValidator({ cacheDir: process.argv[2] }).then(({ validator }) => {
          const d = ${JSON.stringify(pool())};
          d.spec.addresses = ['10.0.0.1-10.0.0.2'];
          const findings = validator.validate([{ file: 'p.yaml', object: d }]);
          const ajv = Object.keys(require.cache).filter((f) => /[/]ajv[/]dist[/](ajv|core)[.]js$/.test(f));
          console.log(JSON.stringify({ findings: findings.length, loaded: validator.compileCache.loaded, ajv }));
        });`;
      const tsNode = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
      writeFileSync(join(dir, 'probe.ts'), script);
      const out = execFileSync(process.execPath, [tsNode, '--swc', join(dir, 'probe.ts'), dir], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(JSON.parse(out)).toEqual({ findings: 0, loaded: 1, ajv: [] });
    }));

  it('keys entries by content, so a different schema gets a different entry', () => {
    expect(CompileCache.hash('k8s:aaa:Deployment')).not.toBe(CompileCache.hash('k8s:bbb:Deployment'));
  });
});
