import { parseSite } from '../../../lib/site/load';
import { exampleSite, siteText, siteWith } from '../../support/site';

describe('site logging.alerts', () => {
  it('reads the example site’s rules, with the defaults applied', () => {
    expect(exampleSite().logging.alerts).toEqual([
      { name: 'GoPanic', source: 'containers', regex: '^panic:', severity: 'critical', resolveAfter: '15m' },
      {
        name: 'KubeletEvicting',
        source: 'kubelet',
        regex: 'Eviction manager: (attempting to reclaim|must evict)',
        severity: 'warning',
        resolveAfter: '15m',
      },
    ]);
    expect(siteWith((s) => (s.logging = { retention: '168h' })).logging.alerts).toEqual([]);
  });

  it('names the rule, the value and the rule it breaks', () => {
    const text = siteText((s) => {
      s.logging.alerts = [
        { name: 'go-panic', regex: '^panic:' },
        { name: 'Oom', source: 'kernel', regex: 'Out of memory(?=:)', key: 'a..b' },
        { name: 'Oom', regex: '^panic: ', severity: 'page', resolveAfter: '0m' },
      ];
    });
    expect(() => parseSite(text, 'alerts.yaml')).toThrow(
      [
        'alerts.yaml is not a valid site file (7 problems):',
        '  - logging.alerts[0].name: "go-panic" must be an alert name in PascalCase, like GoPanic',
        '  - logging.alerts[1].source: "kernel" is not one of "containers", "kubelet"',
        `  - logging.alerts[1].regex: "Out of memory(?=:)" has a lookahead (?=…, which RE2 (Go's regexp) does not support`,
        '  - logging.alerts[1].key: "a..b" must be a record key, or a dotted path like kubernetes.labels.app',
        '  - logging.alerts[2].regex: "^panic: " starts or ends with whitespace, which Fluent Bit trims from the value; write it as \\s or [ ]',
        '  - logging.alerts[2].severity: "page" is not one of "critical", "warning", "info"',
        '  - logging.alerts[2].resolveAfter: "0m" must be a duration like 15m, 30s or 2h',
      ].join('\n'),
    );
  });

  it('refuses two rules of one name (their alerts would overwrite each other)', () => {
    const text = siteText((s) => {
      s.logging.alerts = [
        { name: 'Oom', regex: 'a' },
        { name: 'GoPanic', regex: 'b' },
        { name: 'Oom', source: 'kubelet', regex: 'c' },
      ];
    });
    expect(() => parseSite(text, 'alerts.yaml')).toThrow(
      'alerts.yaml is not a valid site file (1 problem):\n  - logging.alerts[2].name: "Oom" is the name of logging.alerts[0] too; give each rule its own name',
    );
  });
});
