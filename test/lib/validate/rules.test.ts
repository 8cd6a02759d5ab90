import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createValidator } from '../../../lib/validate';
import { containerResources, defaultRules } from '../../../lib/validate/rules';
import { formatFinding } from '../../../lib/validate/validator';
import { ROOT } from '../../support/site';

describe('no plaintext Secret', () => {
  it('fails validation of a Secret with data or stringData', async () => {
    const { validator } = await createValidator();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'apps' },
      data: { password: 'aHVudGVyMg==' },
      stringData: { user: 'admin' },
    };
    expect(validator.validate([{ file: 'apps/secret-db.yaml', object: secret }]).map(formatFinding)).toEqual([
      'apps/secret-db.yaml: Secret apps/db: data: a Secret with data would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret [no plaintext secret; ouchi]',
      'apps/secret-db.yaml: Secret apps/db: stringData: a Secret with stringData would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret [no plaintext secret; ouchi]',
    ]);
  });

  it('holds for every YAML and JSON file git tracks', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml', '*.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f !== '');
    expect(files.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(3);
    expect(files.length).toBeGreaterThan(5);
    const isPlaintextSecret = (o: { kind?: string; data?: unknown; stringData?: unknown } | null) =>
      o?.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined);
    const offenders = files.filter((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      if (file.endsWith('.json')) {
        const json = JSON.parse(text) as unknown;
        return (Array.isArray(json) ? json : [json]).some((o) => isPlaintextSecret(o as never));
      }
      return parseAllDocuments(text).some((doc) => isPlaintextSecret(doc.toJS() as never));
    });
    expect(offenders).toEqual([]);
  });
});

describe('requests and limits', () => {
  const job = (resources?: unknown): any => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup', namespace: 'app-x' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'backup', image: 'busybox:1.37', resources }],
            },
          },
        },
      },
    },
  });

  it('fails a container ouchi defines without cpu and memory requests and limits', () => {
    expect(
      containerResources({ file: 'x/cronjob-backup.yaml', object: job({ requests: { cpu: '10m' } }) }).map(
        formatFinding,
      ),
    ).toEqual([
      'x/cronjob-backup.yaml: CronJob app-x/backup: spec.jobTemplate.spec.template.spec.containers[0].resources: container backup sets no requests.memory, limits.cpu, limits.memory; set cpu and memory requests and limits [requests and limits; ouchi]',
    ]);
  });

  it('passes one that sets them, and is part of what synth and validate apply', () => {
    const full = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } };
    expect(containerResources({ file: 'x.yaml', object: job(full) })).toEqual([]);
    expect(defaultRules).toContain(containerResources);
  });
});
