/**
 * Formats of the free-form strings in a site file that end up in manifests, commands or URLs. Each
 * function returns why the text is not valid (a phrase that follows the quoted value, naming the rule
 * and the fix), or undefined when it is. The schema attaches them to fields; they are pure, so each
 * has its own tests.
 */
import { parseIp } from '../net/ipv4';
import { maas } from '../versions';

/** C0 controls, DEL and the C1 controls: never meaningful in a site value, often an editor accident. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A lower-case DNS name of one or more labels (`registry`, `smtp.example.com`), at most 253 characters. */
export function dnsNameProblem(text: string): string | undefined {
  if (text.length === 0 || text.length > 253) return 'must be a DNS name of 1 to 253 characters';
  const bad = text.split('.').find((label) => !DNS_LABEL.test(label));
  if (bad !== undefined)
    return `must be a lower-case DNS name like smtp.example.com (label ${JSON.stringify(bad)} is not letters, digits and inner -, at most 63)`;
  return undefined;
}

/** A TCP port: a decimal integer 1-65535 without leading zeros. */
export function portProblem(text: string): string | undefined {
  if (!/^[1-9]\d{0,4}$/.test(text) || Number(text) > 65535)
    return `has port ${JSON.stringify(text)}; a port is 1-65535`;
  return undefined;
}

/** `host:port` or `host`, with the host a DNS name or an IPv4 address. */
export function hostPortProblem(text: string, portRequired: boolean): string | undefined {
  const colon = text.lastIndexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  if (colon < 0 && portRequired) return 'must be host:port, like smtp.example.com:587';
  if (colon >= 0) {
    const port = portProblem(text.slice(colon + 1));
    if (port !== undefined) return port;
  }
  if (parseIp(host) !== undefined) return undefined;
  return dnsNameProblem(host);
}

/** A registry as image references name it: a host (DNS name or IPv4) and an optional port. */
export function registryHostProblem(text: string): string | undefined {
  const problem = hostPortProblem(text, false);
  if (problem === undefined) return undefined;
  const port = /^[^:/]+:(\d+)$/.exec(text);
  if (port && portProblem(port[1]) !== undefined) return problem;
  return 'must be a registry host like ghcr.io or registry.home.example.com:5000';
}

function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Problems every URL here shares: no spaces or controls, no credentials, no query or fragment. */
function urlBasics(text: string, url: URL): string | undefined {
  if (/\s/.test(text) || CONTROL.test(text)) return 'must not contain spaces or control characters';
  if (url.username !== '' || url.password !== '')
    return 'must not carry credentials (they would be written into every manifest); give them through the sealed store';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or a fragment';
  const host = url.hostname;
  if (host === '') return 'has no host';
  if (parseIp(host) === undefined && dnsNameProblem(host) !== undefined)
    return `has host ${JSON.stringify(host)}, which is not a DNS name or an IPv4 address`;
  return undefined;
}

/** An http(s) URL of a server (the MAAS API). */
export function httpUrlProblem(text: string): string | undefined {
  const url = urlOf(text);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return 'must be an http or https URL like http://192.168.10.2:5240/MAAS';
  return urlBasics(text, url);
}

/** True when a path (raw or percent-encoded) has a `..` component; URL parsing would fold it away. */
function hasDotDot(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: check the raw text.
  }
  return [path, decoded].some((p) => p.split('/').includes('..'));
}

/** scp-like git address: `git@github.com:org/repo.git`. */
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([^:/\s]+):([A-Za-z0-9._~][A-Za-z0-9._~/-]*)$/;

/**
 * A git repository Argo CD reads and gitops:publish pushes to: https, ssh:// or scp-like ssh. Plain
 * http, git://, file:// and local paths are refused: Argo CD in the cluster cannot read a path on
 * this machine, and the unauthenticated transports let anyone on the way change what it deploys.
 */
export function gitRepoUrlProblem(text: string): string | undefined {
  const fix =
    'must be a git URL over https or ssh, like https://github.com/org/gitops.git or git@github.com:org/gitops.git';
  if (text.startsWith('-')) return `${fix} (a leading - would be read by git as an option)`;
  const scp = SCP_LIKE.exec(text);
  if (scp) {
    const host = scp[2];
    if (parseIp(host) === undefined && dnsNameProblem(host) !== undefined)
      return `has host ${JSON.stringify(host)}, which is not a DNS name or an IPv4 address`;
    if (hasDotDot(scp[3])) return 'must not have .. in its path';
    return undefined;
  }
  const url = urlOf(text);
  if (url === undefined) return fix;
  if (url.protocol === 'https:') {
    const basics = urlBasics(text, url);
    if (basics !== undefined) return basics;
  } else if (url.protocol === 'ssh:') {
    // ssh://git@host/path: the user names the account, not a secret.
    if (url.password !== '') return 'must not carry a password; use an SSH key from the sealed store';
    const basics = urlBasics(text, new URL(text.replace(/^ssh:\/\/[^@/]*@/, 'ssh://')));
    if (basics !== undefined) return basics;
  } else {
    return fix;
  }
  if (url.pathname === '/' || url.pathname === '') return 'has no repository path';
  if (hasDotDot(text.replace(/^[a-z]+:\/\/[^/]*/, ''))) return 'must not have .. in its path';
  return undefined;
}

/**
 * A branch name as `git check-ref-format --branch` allows it (git-check-ref-format(1)): no component
 * starting with `.` or ending with `.lock`, no `..`, `@{`, `//`, controls, space, `~ ^ : ? * [ \`, no
 * leading `-` or `/`, no trailing `/` or `.`, not `@` or `HEAD`.
 */
export function branchNameProblem(text: string): string | undefined {
  const why = (rule: string) => `is not a git branch name: ${rule}`;
  if (text === '') return why('it is empty');
  if (text === '@') return why('@ alone is not allowed');
  if (text === 'HEAD') return why('HEAD names the current commit, not a branch');
  if (text.startsWith('-')) return why('it starts with -');
  const bad = /[\u0000-\u0020\u007f~^:?*[\\]/.exec(text);
  if (bad) return why(`it contains ${JSON.stringify(bad[0])} (no space, control, ~ ^ : ? * [ or \\)`);
  if (text.includes('..')) return why('it contains ..');
  if (text.includes('@{')) return why('it contains @{');
  if (text.startsWith('/') || text.endsWith('/') || text.includes('//'))
    return why('it has an empty /-separated component');
  if (text.endsWith('.')) return why('it ends with .');
  for (const part of text.split('/')) {
    if (part.startsWith('.')) return why(`component ${JSON.stringify(part)} starts with .`);
    if (part.endsWith('.lock')) return why(`component ${JSON.stringify(part)} ends with .lock`);
  }
  return undefined;
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function cronValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  return Number(text);
}

function cronPartProblem(part: string, field: CronField): string | undefined {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined) return `${field.name} ${JSON.stringify(part)} has two /`;
  if (step !== undefined && (!/^\d{1,2}$/.test(step) || Number(step) === 0))
    return `${field.name} step ${JSON.stringify(step)} must be a positive number`;
  if (range === '*' || range === '?') return undefined;
  const ends = range.split('-');
  if (ends.length > 2) return `${field.name} ${JSON.stringify(range)} is not a value or a range a-b`;
  const values = ends.map((e) => cronValue(e, field));
  const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  for (const [i, v] of values.entries()) {
    if (v === undefined || v < field.min || v > field.max)
      return `${field.name} ${JSON.stringify(ends[i])} is out of range (${allowed})`;
  }
  if (values.length === 2 && values[0]! > values[1]!)
    return `${field.name} range ${JSON.stringify(range)} is inverted`;
  return undefined;
}

/**
 * A CronJob schedule as Kubernetes parses it (robfig/cron's standard parser): five fields (minute,
 * hour, day of month, month, day of week) of values, ranges, lists and steps, or one of the @ macros.
 * Time zones go in the CronJob's timeZone, which Kubernetes requires instead of TZ= in the schedule.
 */
export function cronProblem(text: string): string | undefined {
  const why = (rule: string) =>
    `is not a cron schedule: ${rule}; use five fields like "0 3 * * *" (03:00 daily) or ${CRON_MACROS.join(', ')}`;
  const trimmed = text.trim();
  if (/^(CRON_)?TZ=/.test(trimmed)) return why('Kubernetes refuses TZ= in a schedule');
  if (trimmed.startsWith('@'))
    return CRON_MACROS.includes(trimmed) ? undefined : why(`${JSON.stringify(trimmed)} is not a macro`);
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return why(`it has ${trimmed === '' ? 0 : fields.length} fields`);
  for (const [i, field] of fields.entries()) {
    for (const part of field.split(',')) {
      const problem = cronPartProblem(part, CRON_FIELDS[i]);
      if (problem !== undefined) return why(problem);
    }
  }
  return undefined;
}

const HOURS = { h: 1, d: 24, w: 24 * 7, y: 24 * 365 } as const;
/** 100 years: VictoriaMetrics' upper bound, and far below Go's time.Duration limit (~292 years). */
const MAX_RETENTION_HOURS = 100 * HOURS.y;

function retentionHours(text: string, units: string): number | undefined {
  const m = new RegExp(`^([1-9]\\d{0,6})([${units}])$`).exec(text);
  return m ? Number(m[1]) * HOURS[m[2] as keyof typeof HOURS] : undefined;
}

/**
 * VictoriaMetrics' retentionPeriod with a unit (h, d, w, y): at least 1d, its minimum, at most 100y.
 * A bare number would mean months there, so a unit is required.
 */
export function metricsRetentionProblem(text: string): string | undefined {
  const hours = retentionHours(text, 'hdwy');
  if (hours === undefined) return 'must be a duration like 30d (a number and h, d, w or y)';
  if (hours < HOURS.d) return 'is shorter than 1d, the shortest retention VictoriaMetrics keeps';
  if (hours > MAX_RETENTION_HOURS) return 'is longer than 100y, the longest retention VictoriaMetrics keeps';
  return undefined;
}

/** Loki's retention_period in hours: at least 24h (the compactor's minimum), at most 100 years. */
export function logRetentionProblem(text: string): string | undefined {
  const hours = retentionHours(text, 'h');
  if (hours === undefined) return 'must be hours like 744h';
  if (hours < HOURS.d) return 'is shorter than 24h, the shortest retention Loki applies';
  if (hours > MAX_RETENTION_HOURS) return `is longer than ${MAX_RETENTION_HOURS}h (100 years)`;
  return undefined;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** A Kubernetes label key: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function labelKeyProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  const name = slash < 0 ? text : text.slice(slash + 1);
  if (slash >= 0) {
    const prefix = text.slice(0, slash);
    if (dnsNameProblem(prefix) !== undefined)
      return `is not a label key: prefix ${JSON.stringify(prefix)} must be a lower-case DNS subdomain like example.com`;
  }
  if (!LABEL_NAME.test(name))
    return 'is not a label key: the name must be 1-63 letters, digits, - _ . beginning and ending with a letter or digit';
  return undefined;
}

/** A Kubernetes label value: empty, or at most 63 letters, digits, - _ . starting and ending alphanumeric. */
export function labelValueProblem(text: string): string | undefined {
  if (text === '' || LABEL_NAME.test(text)) return undefined;
  return 'is not a label value: at most 63 letters, digits, - _ . beginning and ending with a letter or digit';
}

/**
 * A block device: a kernel name (`/dev/nvme0n1`, `/dev/sda`) or a stable udev link under
 * `/dev/disk/by-id/` or `/dev/disk/by-path/` (MAAS reports the by-id link as the disk's id_path).
 * The path goes into cloud-init shell commands, so shell metacharacters are refused.
 */
export function diskPathProblem(text: string): string | undefined {
  if (/^\/dev\/[a-z][a-z0-9]*(\/[a-z0-9]+)*$/.test(text)) return undefined;
  if (/^\/dev\/disk\/by-(id|path)\/[A-Za-z0-9][A-Za-z0-9._:+-]*$/.test(text)) return undefined;
  return 'must be a device path like /dev/nvme0n1 or /dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S649NX0R123456 (letters, digits and . _ : + - only)';
}

/** A GitHub organization login: 1-39 letters, digits and single inner hyphens. */
export function githubOrgProblem(text: string): string | undefined {
  if (/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(text)) return undefined;
  return 'must be a GitHub organization name: 1-39 letters, digits and single hyphens, not at either end';
}

/** A GitHub team slug, as Dex and Grafana match it: lower-case letters, digits, - and _. */
export function githubTeamProblem(text: string): string | undefined {
  if (/^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$/.test(text)) return undefined;
  return "must be the team's slug as GitHub shows it in the team URL: lower-case letters, digits, - and _";
}

/** A Google Cloud project ID: 6-30 lower-case letters, digits and hyphens, starting with a letter. */
export function gcpProjectProblem(text: string): string | undefined {
  if (/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(text)) return undefined;
  return 'must be a Google Cloud project ID: 6-30 lower-case letters, digits and -, starting with a letter';
}

/** A Slack channel or user as Alertmanager takes it: `#alerts`, `@someone` or a channel ID. */
export function slackChannelProblem(text: string): string | undefined {
  if (/^[#@]?[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(text)) return undefined;
  return 'must be a Slack channel like #alerts (letters, digits, . _ -, at most 80)';
}

/** An hwe kernel as MAAS names it: `ga-24.04`, `hwe-24.04`, `hwe-22.04-edge`, `ga-24.04-lowlatency`. */
export function kernelProblem(text: string): string | undefined {
  if (/^(ga|hwe)-\d{2}\.\d{2}(-[a-z]+){0,2}$/.test(text)) return undefined;
  return 'must be a MAAS kernel like ga-24.04 or hwe-24.04 (MAAS refuses names not starting with ga- or hwe-)';
}

/** A libvirt connection URI as MAAS's virsh driver takes it: `qemu+ssh://user@host/system`. */
export function libvirtUriProblem(text: string): string | undefined {
  const url = /^[a-z]+(\+[a-z]+)?:\/\//.test(text) ? urlOf(text) : undefined;
  if (url === undefined || /\s/.test(text) || CONTROL.test(text))
    return 'must be a libvirt URI like qemu+ssh://ouchi@vmhost/system';
  if (url.password !== '') return 'must not carry a password; MAAS takes it as the power password';
  return undefined;
}

/**
 * Text that is written as it is into a config file or an API call (a user name, a libvirt domain):
 * one line of printable characters, at most `max` long.
 */
export function printableProblem(text: string, max: number): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > max) return `is longer than ${max} characters`;
  if (CONTROL.test(text)) return 'must not contain control characters or line breaks';
  if (text.trim() !== text) return 'must not start or end with spaces';
  return undefined;
}

/** An Ubuntu series MAAS deploys for the MAAS versions ouchi supports (lib/versions.ts). */
export function distroProblem(text: string): string | undefined {
  const series = Object.keys(maas.ubuntuSeries);
  if (series.includes(text)) return undefined;
  return `is not an Ubuntu series MAAS ${maas.apiVersions.oldest}-${maas.apiVersions.newest} deploys; use one of ${series
    .map((s) => `${s} (${maas.ubuntuSeries[s as keyof typeof maas.ubuntuSeries]})`)
    .join(', ')}`;
}
