/**
 * Alert rule groups, each declared by the component it watches (nodes, Ceph, certificates, Argo CD,
 * MOCO) and the Watchdog heartbeat of the alerting pipeline itself; the platform collects them into
 * VMRules. Every rule carries a severity and a summary, so every alert says how bad and what.
 */

export type Severity = 'critical' | 'warning' | 'none';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold; none for the heartbeat. */
  readonly for?: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

const REAL_FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|ramfs"';

export const NODE_ALERTS: AlertGroup = {
  name: 'nodes',
  rules: [
    {
      alert: 'NodeDown',
      expr: 'up{job=~".*node-exporter.*"} == 0',
      for: '5m',
      severity: 'critical',
      summary: 'Node {{ $labels.instance }} is down',
      description: 'node-exporter on {{ $labels.instance }} has not answered for 5 minutes.',
    },
    {
      alert: 'NodeDiskFilling',
      expr: `node_filesystem_avail_bytes{${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${REAL_FILESYSTEMS}} < 0.10 and predict_linear(node_filesystem_avail_bytes{${REAL_FILESYSTEMS}}[6h], 24 * 3600) < 0`,
      for: '30m',
      severity: 'warning',
      summary: 'Disk {{ $labels.mountpoint }} on {{ $labels.instance }} fills within a day',
      description: 'Less than 10% is free and the trend of the last 6 hours reaches zero within 24 hours.',
    },
    {
      alert: 'NodeMemoryLow',
      expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.10',
      for: '15m',
      severity: 'warning',
      summary: 'Node {{ $labels.instance }} has less than 10% memory available',
      description: 'Available memory has stayed under 10% for 15 minutes; the OOM killer is near.',
    },
  ],
};

export const CEPH_ALERTS: AlertGroup = {
  name: 'ceph',
  rules: [
    {
      alert: 'CephHealthError',
      expr: 'ceph_health_status == 2',
      for: '5m',
      severity: 'critical',
      summary: 'Ceph is in HEALTH_ERR',
      description: 'Run `ceph health detail` in the Rook toolbox; data may be unavailable.',
    },
    {
      alert: 'CephHealthWarning',
      expr: 'ceph_health_status == 1',
      for: '15m',
      severity: 'warning',
      summary: 'Ceph has been in HEALTH_WARN for 15 minutes',
      description: 'Run `ceph health detail` in the Rook toolbox.',
    },
  ],
};

export const CERTIFICATE_ALERTS: AlertGroup = {
  name: 'certificates',
  rules: [
    {
      alert: 'CertificateExpiresSoon',
      expr: 'certmanager_certificate_expiration_timestamp_seconds - time() < 7 * 24 * 3600',
      for: '1h',
      severity: 'warning',
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 7 days',
      description:
        'cert-manager should have renewed it 30 days before expiry; check the Certificate and its Order.',
    },
    {
      alert: 'CertificateNotReady',
      expr: 'certmanager_certificate_ready_status{condition="False"} == 1',
      for: '15m',
      severity: 'warning',
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready',
      description: 'The issuer has not issued it for 15 minutes; `kubectl describe certificate` says why.',
    },
  ],
};

export const ARGOCD_ALERTS: AlertGroup = {
  name: 'argocd',
  rules: [
    {
      alert: 'ArgoCDAppOutOfSync',
      expr: 'argocd_app_info{sync_status!="Synced"} == 1',
      for: '30m',
      severity: 'warning',
      summary: 'Argo CD Application {{ $labels.name }} is {{ $labels.sync_status }}',
      description: 'The cluster has differed from git for 30 minutes.',
    },
    {
      alert: 'ArgoCDAppDegraded',
      expr: 'argocd_app_info{health_status=~"Degraded|Missing"} == 1',
      for: '15m',
      severity: 'critical',
      summary: 'Argo CD Application {{ $labels.name }} is {{ $labels.health_status }}',
      description: 'Resources of the Application have been unhealthy for 15 minutes.',
    },
  ],
};

export const MOCO_ALERTS: AlertGroup = {
  name: 'moco',
  rules: [
    {
      alert: 'MocoClusterUnhealthy',
      expr: 'moco_cluster_healthy == 0',
      for: '10m',
      severity: 'warning',
      summary: 'MySQL cluster {{ $labels.namespace }}/{{ $labels.name }} is unhealthy',
      description: 'MOCO reports the cluster unhealthy (a replica is lagging or errant).',
    },
    {
      alert: 'MocoClusterUnavailable',
      expr: 'moco_cluster_available == 0',
      for: '5m',
      severity: 'critical',
      summary: 'MySQL cluster {{ $labels.namespace }}/{{ $labels.name }} is unavailable',
      description: 'The cluster has no writable primary with enough semi-sync replicas.',
    },
  ],
};

export const WATCHDOG_ALERTS: AlertGroup = {
  name: 'watchdog',
  rules: [
    {
      alert: 'Watchdog',
      expr: 'vector(1)',
      severity: 'none',
      summary: 'Always firing: proves the alerting pipeline works end to end',
      description: 'Sent to the heartbeat receiver; its silence means alerting is broken.',
    },
  ],
};
