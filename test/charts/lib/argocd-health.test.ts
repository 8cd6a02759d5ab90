/**
 * The Lua health checks, run for real: Argo CD evaluates them with gopher-lua (Lua 5.1), so each is run
 * by Debian's lua5.1 against objects in the states that matter.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  APPLICATION_HEALTH,
  CEPH_CLUSTER_HEALTH,
  HEALTH_CHECKS,
  OBJECT_BUCKET_CLAIM_HEALTH,
} from '../../../charts/lib/argocd-health';
import { render, valuesOf } from '../../support/render';
import { exampleSite } from '../../support/site';

const LUA = '/usr/bin/lua5.1';
const haveLua = existsSync(LUA);
if (!haveLua && process.env.OUCHI_E2E !== '1')
  console.warn('Lua health checks skipped: no lua5.1 (apt install lua5.1)');
const describeLua = haveLua || process.env.OUCHI_E2E === '1' ? describe : describe.skip;

/** A JSON value as a Lua table constructor. */
function lua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(lua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${lua(v)}`)
    .join(', ')}}`;
}

/** Runs a check the way Argo CD does (the object as `obj`, the script's return value is the health). */
function health(script: string, obj: unknown): { status: string; message: string } {
  const program = `obj = ${lua(obj)}\nlocal function check()\n${script}\nend\nlocal hs = check()\nio.write(hs.status, "\\t", hs.message)\n`;
  const [status, message] = execFileSync(LUA, ['-'], { input: program, encoding: 'utf8' }).split('\t');
  return { status, message };
}

describeLua('Argo CD health checks (lua5.1)', () => {
  it('an Application is Progressing until it reports health, then takes its own', () => {
    expect(health(APPLICATION_HEALTH, { metadata: { name: 'x' } })).toEqual({
      status: 'Progressing',
      message: '',
    });
    expect(health(APPLICATION_HEALTH, { status: { health: { status: 'Healthy' } } })).toEqual({
      status: 'Healthy',
      message: '',
    });
    expect(
      health(APPLICATION_HEALTH, {
        status: { health: { status: 'Degraded', message: 'Deployment x failed' } },
      }),
    ).toEqual({ status: 'Degraded', message: 'Deployment x failed' });
  });

  it('a CephCluster is Healthy on HEALTH_OK or WARN, Degraded on HEALTH_ERR or Failure', () => {
    const ceph = (status: unknown) => health(CEPH_CLUSTER_HEALTH, { status });
    expect(ceph(undefined)).toEqual({ status: 'Progressing', message: 'waiting for the Ceph cluster' });
    expect(ceph({ ceph: { health: 'HEALTH_OK' } }).status).toBe('Healthy');
    expect(ceph({ ceph: { health: 'HEALTH_WARN' } }).status).toBe('Healthy');
    expect(ceph({ ceph: { health: 'HEALTH_ERR' } })).toEqual({ status: 'Degraded', message: 'HEALTH_ERR' });
    expect(ceph({ phase: 'Failure', message: 'mons out of quorum' })).toEqual({
      status: 'Degraded',
      message: 'mons out of quorum',
    });
    expect(ceph({ phase: 'Failure' })).toEqual({ status: 'Degraded', message: 'Rook reports Failure' });
  });

  it('an ObjectBucketClaim is Healthy once Bound, Degraded when Failed', () => {
    const obc = (phase?: string) =>
      health(OBJECT_BUCKET_CLAIM_HEALTH, { status: phase ? { phase } : undefined });
    expect(obc()).toEqual({ status: 'Progressing', message: 'waiting for the bucket' });
    expect(obc('Pending')).toEqual({ status: 'Progressing', message: 'Pending' });
    expect(obc('Bound')).toEqual({ status: 'Healthy', message: 'Bound' });
    expect(obc('Failed')).toEqual({ status: 'Degraded', message: 'Failed' });
  });

  it('are the scripts the argocd Application configures, in the argocd-cm it renders', async () => {
    const values = valuesOf(exampleSite(), 'argocd');
    const cm = (await render()).get('argocd/configmap-argocd-cm.yaml');
    for (const [key, script] of Object.entries(HEALTH_CHECKS)) {
      expect(values.configs.cm[key]).toBe(script);
      expect(cm.data[key]).toBe(script);
    }
  });
});
