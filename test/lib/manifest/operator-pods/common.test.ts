import {
  boolFlag,
  envValue,
  goBool,
  kindKey,
  operatorContainer,
  strategicMerge,
} from '../../../../lib/manifest/operator-pods/common';
import { operatorDeployment } from './manifests';

describe('strategicMerge', () => {
  it('merges containers by name, fields key by key, and adds new containers after the base', () => {
    const base = [
      { name: 'app', image: 'a', securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } } },
      { name: 'reloader', image: 'r' },
    ];
    const patch = [
      {
        name: 'app',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } },
      },
      { name: 'sidecar', image: 's' },
    ];
    expect(strategicMerge(base, patch, 'containers')).toEqual([
      {
        name: 'app',
        image: 'a',
        // capabilities.drop has no merge strategy: the patch's list replaces the base's.
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['NET_RAW'] },
        },
      },
      { name: 'reloader', image: 'r' },
      { name: 'sidecar', image: 's' },
    ]);
  });

  it('merges nested lists by their keys (ports by containerPort) and skips nulls', () => {
    const base = {
      spec: { containers: [{ name: 'g', ports: [{ containerPort: 3000, name: 'http' }] }], hostIPC: false },
    };
    const patch = {
      spec: {
        containers: [{ name: 'g', ports: [{ containerPort: 3000, protocol: 'TCP' }, { containerPort: 9 }] }],
        hostIPC: null,
      },
    };
    expect(strategicMerge(base, patch)).toEqual({
      spec: {
        containers: [
          {
            name: 'g',
            ports: [{ containerPort: 3000, name: 'http', protocol: 'TCP' }, { containerPort: 9 }],
          },
        ],
        hostIPC: false,
      },
    });
  });

  it('replaces lists without a merge key and scalars', () => {
    expect(strategicMerge({ args: ['a'], n: 1 }, { args: ['b'], n: 2 })).toEqual({ args: ['b'], n: 2 });
    expect(strategicMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('operator settings', () => {
  const deployment = operatorDeployment('vm', 'monitoring', 'quay.io/victoriametrics/operator:v0.74.0', {
    env: [
      { name: 'X', value: 'first' },
      { name: 'X', value: 'last' },
      { name: 'FROM', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
    ],
    args: ['--disable-default-security-context', '--other=1', '--flag=false', '--flag=true', '--bad=maybe'],
  });
  const image = /(^|\/)victoriametrics\/operator(:|@|$)/;

  it('finds the operator container by image, whatever the registry', () => {
    expect(operatorContainer([deployment], image)?.name).toBe('operator');
    expect(operatorContainer([deployment], /(^|\/)cybozu-go\/moco(:|@|$)/)).toBeUndefined();
    expect(operatorContainer([deployment], image, () => false)).toBeUndefined();
  });

  it('reads env as Kubernetes does: the last entry wins, valueFrom reads as unset', () => {
    const c = operatorContainer([deployment], image);
    expect(envValue(c, 'X')).toBe('last');
    expect(envValue(c, 'FROM')).toBeUndefined();
    expect(envValue(c, 'MISSING')).toBeUndefined();
  });

  it('parses booleans as Go does (strconv.ParseBool, pflag)', () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(goBool)).toEqual(Array(6).fill(true));
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(goBool)).toEqual(Array(6).fill(false));
    expect(goBool('yes')).toBeUndefined();
    const c = operatorContainer([deployment], image);
    expect(boolFlag(c, 'disable-default-security-context')).toBe(true);
    expect(boolFlag(c, 'flag')).toBe(true);
    expect(boolFlag(c, 'bad')).toBeUndefined();
    expect(boolFlag(c, 'absent')).toBeUndefined();
  });

  it('keys kinds by group', () => {
    expect(kindKey({ apiVersion: 'moco.cybozu.com/v1beta2', kind: 'MySQLCluster' })).toBe(
      'MySQLCluster.moco.cybozu.com',
    );
  });
});
