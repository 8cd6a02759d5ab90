/**
 * One run of the plugin under the proxy harness, and what it must have done: the example site's two
 * alert outputs (GoPanic on container logs, KubeletEvicting on the kubelet journal) as instances 0
 * and 1, one with a pattern Go refuses (2) and one whose Alertmanager is down (3); chunks in both
 * event formats; then the alerts a real Alertmanager holds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Arch,
  chunk,
  exampleAlertOutputs,
  freePort,
  type HarnessRun,
  type LogRecord,
  type PostedAlert,
  runHarness,
  startAlertmanager,
} from './support';

const POD_TAG = 'kube.var.log.containers.crawler-0_mysql_mysqld-3f2a.log';
const QUIET_TAG = 'kube.var.log.containers.web-1_apps_web-9c1d.log';
const KUBELET_TAG = 'host.kubelet.service';

function containerLine(
  ms: number,
  log: string,
  namespace: string,
  pod: string,
  container: string,
): LogRecord {
  return {
    ms,
    body: {
      stream: 'stderr',
      logtag: 'F',
      log,
      kubernetes: {
        pod_name: pod,
        namespace_name: namespace,
        container_name: container,
        host: 'nuc2',
        labels: { 'app.kubernetes.io/name': pod.replace(/-\d+$/, '') },
      },
    },
  };
}

export interface ScenarioResult {
  readonly run: HarnessRun;
  readonly alerts: PostedAlert[];
  /** The times of the records, to check startsAt and endsAt against. */
  readonly times: { readonly firstPanic: number; readonly lastPanic: number; readonly eviction: number };
  /** Bytes of each chunk file. */
  readonly sizes: { readonly panic: number; readonly quiet: number; readonly kubelet: number };
  readonly alertmanagerUrl: string;
}

export async function runScenario(
  arch: Arch,
  harness: string,
  so: string,
  work: string,
): Promise<ScenarioResult> {
  const dir = join(work, `scenario-${arch}`);
  mkdirSync(dir, { recursive: true });
  const alertmanager = await startAlertmanager(join(dir, 'alertmanager'));
  try {
    // Millisecond times (Alertmanager keeps milliseconds), a few minutes back, like a chunk's records.
    const base = Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000 + 250;
    const times = { firstPanic: base, lastPanic: base + 1_500, eviction: base + 2_000 };
    const files = {
      panic: chunk(
        [
          containerLine(
            times.firstPanic,
            'panic: runtime error: index out of range [3] with length 3',
            'mysql',
            'crawler-0',
            'mysqld',
          ),
          containerLine(base + 1_000, 'goroutine 1 [running]:', 'mysql', 'crawler-0', 'mysqld'),
          containerLine(
            times.lastPanic,
            'panic: runtime error: invalid memory address or nil pointer dereference',
            'mysql',
            'crawler-0',
            'mysqld',
          ),
        ],
        'v2',
      ),
      quiet: chunk([containerLine(base, 'GET /healthz 200', 'apps', 'web-1', 'web')], 'v2'),
      kubelet: chunk(
        [
          {
            ms: times.eviction,
            body: {
              PRIORITY: '6',
              _HOSTNAME: 'nuc2',
              _SYSTEMD_UNIT: 'kubelet.service',
              MESSAGE:
                'I1202 14:00:02.000000    1234 eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="memory"',
            },
          },
          {
            ms: times.eviction + 100,
            body: {
              _HOSTNAME: 'nuc2',
              _SYSTEMD_UNIT: 'kubelet.service',
              MESSAGE: 'I1202 14:00:02.100000 1234 kubelet.go:2400] "SyncLoop"',
            },
          },
        ],
        'v1',
      ),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, `${name}.msgpack`), data);

    const [goPanic, kubelet] = exampleAlertOutputs();
    const instance = (id: number, props: [string, string][]) => [
      `instance ${id}`,
      ...props.map(([k, v]) => `property ${k} ${v}`),
      'init',
    ];
    const withProps = (props: [string, string][], changes: Record<string, string>) =>
      props.map(([k, v]): [string, string] => [k, changes[k] ?? v]);
    const down = `http://127.0.0.1:${await freePort()}`;
    const script = [
      ...instance(0, withProps(goPanic, { URL: alertmanager.url })),
      ...instance(1, withProps(kubelet, { URL: alertmanager.url })),
      ...instance(2, withProps(goPanic, { URL: alertmanager.url, Alert_Name: 'Broken', Regex: 'x(?=y)' })),
      ...instance(3, withProps(goPanic, { URL: down, Alert_Name: 'Unreachable' })),
      `flush 0 ${POD_TAG} ${join(dir, 'panic.msgpack')}`,
      `flush 0 ${QUIET_TAG} ${join(dir, 'quiet.msgpack')}`,
      `flush 1 ${KUBELET_TAG} ${join(dir, 'kubelet.msgpack')}`,
      `flush 3 ${POD_TAG} ${join(dir, 'panic.msgpack')}`,
      'exit 0',
      'exit 1',
      'exit 3',
    ];
    writeFileSync(join(dir, 'script'), `${script.join('\n')}\n`);
    const run = await runHarness(arch, harness, so, join(dir, 'script'));
    const sizes = { panic: files.panic.length, quiet: files.quiet.length, kubelet: files.kubelet.length };
    return { run, alerts: await alertmanager.alerts(), times, sizes, alertmanagerUrl: alertmanager.url };
  } finally {
    await alertmanager.stop();
  }
}

/** What the plugin must have done in the scenario. */
export function expectScenario(result: ScenarioResult): void {
  const { sizes } = result;
  const calls = result.run.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('get '));
  expect(calls).toEqual([
    'register = 0 type=2 proxy=11 flags=0 event_type=0 name=alertmanager description=Log lines matching a pattern become Alertmanager alerts',
    'init 0 = 1',
    'init 1 = 1',
    'init 2 = 0',
    'init 3 = 1',
    `flush 0 ${POD_TAG} ${sizes.panic} = 1`,
    `flush 0 ${QUIET_TAG} ${sizes.quiet} = 1`,
    `flush 1 ${KUBELET_TAG} ${sizes.kubelet} = 1`,
    // FLB_RETRY: Fluent Bit keeps the chunk and flushes it again later.
    `flush 3 ${POD_TAG} ${sizes.panic} = 2`,
    'exit 0 = 1',
    'exit 1 = 1',
    'exit 3 = 1',
    'unregister',
  ]);
  // The plugin read its configuration through Fluent Bit's property API, keys in Fluent Bit's case.
  expect(result.run.stdout).toContain(`get 0 URL = ${result.alertmanagerUrl}\n`);
  expect(result.run.stdout).toContain('get 1 Key = MESSAGE\n');
  expect(result.run.stderr).toContain(
    '[out_alertmanager] [OUTPUT] alertmanager: Regex "x(?=y)": not an RE2 pattern (error parsing regexp: invalid or unsupported Perl syntax: `(?=`)',
  );
  expect(result.run.stderr).toMatch(
    /\[out_alertmanager\] Unreachable: 1 alert\(s\) not delivered \(retry\): Post "http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts": dial tcp/,
  );
  expect(result.run.stderr).toContain('[out_alertmanager] exit with 1 alert(s) firing');

  const minutes15 = 15 * 60_000;
  expect(
    result.alerts.map((a) => ({ labels: a.labels, annotations: a.annotations, state: a.status.state })),
  ).toEqual([
    {
      labels: {
        alertname: 'GoPanic',
        severity: 'critical',
        namespace: 'mysql',
        pod: 'crawler-0',
        container: 'mysqld',
      },
      annotations: {
        summary: '2 log lines matched ^panic:',
        description: 'panic: runtime error: invalid memory address or nil pointer dereference',
        tag: POD_TAG,
      },
      state: 'active',
    },
    {
      labels: { alertname: 'KubeletEvicting', severity: 'warning', node: 'nuc2' },
      annotations: {
        summary: '1 log line matched Eviction manager: (attempting to reclaim|must evict)',
        description:
          'I1202 14:00:02.000000    1234 eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="memory"',
        tag: KUBELET_TAG,
      },
      state: 'active',
    },
  ]);
  const [panic, eviction] = result.alerts;
  // Times from the records' EventTime (nanoseconds in the chunk), not from when the flush ran.
  expect(Date.parse(panic.startsAt)).toBe(result.times.firstPanic);
  expect(Date.parse(panic.endsAt)).toBe(result.times.lastPanic + minutes15);
  expect(Date.parse(eviction.startsAt)).toBe(result.times.eviction);
  expect(Date.parse(eviction.endsAt)).toBe(result.times.eviction + minutes15);
}
