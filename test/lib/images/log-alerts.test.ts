import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERT_OUTPUT_KEYS,
  ALERTMANAGER_OUTPUT,
  alertOutputProperties,
  LOG_SOURCES,
} from '../../../lib/images/log-alerts';
import { chartDefaults } from '../../support/chart-mirror';
import { ROOT } from '../../support/site';

const PLUGIN = join(ROOT, 'images', 'fluent-bit-plugin');
const configGo = readFileSync(join(PLUGIN, 'alerts', 'config.go'), 'utf8');

/** `Name = "value"` constants of the plugin's Go source. */
function goConstant(name: string): string {
  const m = new RegExp(`^\\s*(?:const\\s+)?${name}\\s*=\\s*"([^"]*)"`, 'm').exec(configGo);
  if (!m) throw new Error(`alerts/config.go has no constant ${name}`);
  return m[1];
}

describe('the alertmanager output’s configuration', () => {
  it('uses the name and keys the plugin reads (alerts/config.go)', () => {
    expect(ALERTMANAGER_OUTPUT).toBe(goConstant('PluginName'));
    expect(ALERT_OUTPUT_KEYS).toEqual({
      url: goConstant('KeyURL'),
      alertName: goConstant('KeyAlertName'),
      regex: goConstant('KeyRegex'),
      recordKey: goConstant('KeyRecordKey'),
      severity: goConstant('KeySeverity'),
      labelKeys: goConstant('KeyLabelKeys'),
      resolveAfter: goConstant('KeyResolveAfter'),
    });
  });

  it('writes one rule as an [OUTPUT] with its source’s tag, key and labels', () => {
    const url = 'http://vmalertmanager-ouchi.monitoring.svc:9093';
    expect(
      alertOutputProperties(
        {
          name: 'GoPanic',
          source: 'containers',
          regex: '^panic:',
          severity: 'critical',
          resolveAfter: '15m',
        },
        url,
      ),
    ).toEqual([
      ['Name', 'alertmanager'],
      ['Match', 'kube.*'],
      ['URL', url],
      ['Alert_Name', 'GoPanic'],
      ['Regex', '^panic:'],
      ['Key', 'log'],
      ['Severity', 'critical'],
      [
        'Label_Keys',
        'namespace=kubernetes.namespace_name,pod=kubernetes.pod_name,container=kubernetes.container_name',
      ],
      ['Resolve_After', '15m'],
      ['Retry_Limit', '5'],
    ]);
    const kubelet = alertOutputProperties(
      {
        name: 'Oom',
        source: 'kubelet',
        regex: 'oom',
        key: 'SYSLOG_IDENTIFIER',
        severity: 'info',
        resolveAfter: '1h',
      },
      url,
    );
    expect(Object.fromEntries(kubelet)).toMatchObject({
      Match: 'host.*',
      Key: 'SYSLOG_IDENTIFIER',
      Label_Keys: 'node=_HOSTNAME',
      Severity: 'info',
      Resolve_After: '1h',
    });
  });

  it('reads the tags the fluent-bit chart’s inputs give: the container logs and the kubelet’s journal', () => {
    const inputs = (chartDefaults('fluent-bit').config.inputs as string).split('[INPUT]').slice(1);
    const tagOf = (input: string) => /^\s*Tag\s+(\S+)$/m.exec(input)?.[1];
    const tail = inputs.find((i) => /^\s*Name\s+tail$/m.test(i))!;
    const journal = inputs.find((i) => /^\s*Name\s+systemd$/m.test(i))!;
    expect(tail).toMatch(/^\s*Path\s+\/var\/log\/containers\/\*\.log$/m);
    expect(journal).toMatch(/^\s*Systemd_Filter\s+_SYSTEMD_UNIT=kubelet\.service$/m);
    expect(LOG_SOURCES.containers.match).toBe(tagOf(tail));
    expect(LOG_SOURCES.kubelet.match).toBe(tagOf(journal));
  });
});
