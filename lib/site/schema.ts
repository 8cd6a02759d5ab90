/**
 * The site file schema: one typed description of a home lab that Pulumi (MAAS, images, bootstrap) and
 * cdk8s (every component) both read. Shapes only; rules that relate two fields live in checks.ts.
 */
import { z } from 'zod';
import { parseCidr, parseIp } from '../net/ipv4';
import { relativePathProblem } from '../output/inside';
import {
  branchNameProblem,
  cronProblem,
  diskPathProblem,
  distroProblem,
  gcpProjectProblem,
  gitRepoUrlProblem,
  githubOrgProblem,
  githubTeamProblem,
  hostPortProblem,
  httpUrlProblem,
  kernelProblem,
  labelKeyProblem,
  labelValueProblem,
  libvirtUriProblem,
  logRetentionProblem,
  metricsRetentionProblem,
  printableProblem,
  registryHostProblem,
  slackChannelProblem,
} from './formats';

/** A string checked by one of the format functions, whose reason becomes the message. */
function formatted(problem: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const reason = problem(text);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
  });
}

const ipv4 = z
  .string()
  .refine((s) => parseIp(s) !== undefined, { error: 'must be an IPv4 address like 192.168.10.11' });

const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  error: 'must be an IPv4 CIDR with zero host bits, like 192.168.10.0/24',
});

const mac = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, {
  error: 'must be a MAC address like 1c:69:7a:0a:0b:0c',
});

/** RFC 1123 label: what Kubernetes, MAAS and DNS all accept as a host or object name. */
const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: 'must be a DNS label: lower-case letters, digits and -, at most 63 characters',
});

const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: 'must be a lower-case DNS domain like home.example.com',
});

export const ipRangeSchema = z
  .object({
    start: ipv4.describe('First address of the range (inclusive).'),
    end: ipv4.describe('Last address of the range (inclusive).'),
  })
  .strict();

const powerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z
        .literal('amt')
        .describe('Intel AMT (vPro NUCs). The password is the Pulumi secret ouchi:powerPasswords.'),
      address: ipv4.describe('AMT address of the machine.'),
    })
    .strict(),
  z
    .object({
      type: z.enum(['ipmi', 'redfish']),
      address: ipv4.describe('BMC address.'),
      user: formatted((s) => printableProblem(s, 64)).describe(
        'BMC user. The password is the Pulumi secret ouchi:powerPasswords.',
      ),
    })
    .strict(),
  z
    .object({
      type: z.literal('virsh').describe('libvirt VM, for a dev site.'),
      address: formatted(libvirtUriProblem).describe('libvirt URI, e.g. qemu+ssh://ouchi@vmhost/system.'),
      id: formatted((s) => (s.includes('/') ? 'must not contain /' : printableProblem(s, 255))).describe(
        'Domain name of the VM in libvirt.',
      ),
    })
    .strict(),
  z.object({ type: z.literal('manual').describe('Power the machine by hand.') }).strict(),
]);

export const nodeSchema = z
  .object({
    hostname: dnsLabel.describe('Host name, also the MAAS hostname and Kubernetes node name.'),
    role: z.enum(['control-plane', 'worker']).describe('control-plane nodes also run etcd.'),
    ip: ipv4.describe('Static address on the LAN.'),
    macs: z.array(mac).min(1).describe('MAC addresses of the NICs; the first one boots (PXE).'),
    arch: z.enum(['amd64', 'arm64']).default('amd64').describe('CPU architecture.'),
    power: powerSchema,
    lvm: z
      .object({
        disk: formatted(diskPathProblem).describe(
          'Disk that holds the LVM volume group TopoLVM carves volumes from: /dev/<name> or a /dev/disk/by-id/ link.',
        ),
        rootSizeGiB: z
          .number()
          .int()
          .min(16)
          .optional()
          .describe(
            'When set, `disk` is also the boot disk: the OS gets this many GiB and the volume group a partition on the rest. When unset, the whole disk is the volume group.',
          ),
      })
      .strict()
      .describe('The disk, or the rest of the boot disk, reserved for TopoLVM.'),
  })
  .strict();

/** Platforms ouchi's Dockerfiles cross-compile for (`os/arch[/variant]`, as buildx names them). */
export const IMAGE_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] as const;
export type ImagePlatform = (typeof IMAGE_PLATFORMS)[number];

/** A path inside the repository, relative to its root, without `..`. */
const repoPath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, {
  error: 'must be a path relative to the repository root, without .., like images/hello',
});

export const imageBuildSchema = z
  .object({
    name: dnsLabel.describe('Image name: pushed as <registry.host>/<registry.namespace>/<name>.'),
    context: repoPath
      .optional()
      .describe('Build context, relative to the repository. Default: images/<name>.'),
    dockerfile: repoPath
      .optional()
      .describe('Dockerfile, relative to the repository. Default: <context>/Dockerfile.'),
    platforms: z
      .array(z.enum(IMAGE_PLATFORMS))
      .min(1)
      .default(['linux/amd64', 'linux/arm64'])
      .describe('Platforms to build; each is cross-compiled on the build machine, none is emulated.'),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: 'must be a Docker tag like v1.2.0' })
      .default('latest')
      .describe('Tag of the manifest list. Deployments pin the digest, so the tag only labels it.'),
    buildArgs: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an ARG name' }),
        formatted((s) => printableProblem(s, 1024)),
      )
      .default({})
      .describe(
        'Build args besides the pinned base images lib/versions.ts passes; each must be an ARG of the Dockerfile.',
      ),
    cache: z
      .boolean()
      .default(true)
      .describe(
        'true: one build per platform, each with its own registry cache, joined by an index. false: one multi-platform build, no cache.',
      ),
  })
  .strict();

export const siteSchema = z
  .object({
    name: dnsLabel.describe('Site name: dist/<name>/, the Pulumi stack and the GitOps path default.'),
    domain: domainName.describe('DNS domain every exposed service lives under.'),
    network: z
      .object({
        subnet: cidr.describe('The LAN the nodes live on.'),
        gateway: ipv4.describe('Default gateway (the home router).'),
        dns: z.array(ipv4).min(1).describe('DNS resolvers.'),
      })
      .strict(),
    maas: z
      .object({
        url: formatted(httpUrlProblem).describe('MAAS URL, e.g. http://192.168.10.2:5240/MAAS.'),
        dhcpRange: ipRangeSchema.describe(
          'Dynamic range MAAS DHCP hands out while enlisting and commissioning.',
        ),
        distro: formatted(distroProblem)
          .default('noble')
          .describe(
            'Ubuntu series deployed on the nodes, one MAAS ships (lib/versions.ts maas.ubuntuSeries).',
          ),
        kernel: formatted(kernelProblem)
          .optional()
          .describe('hwe kernel, e.g. ga-24.04. Unset: the MAAS default.'),
      })
      .strict(),
    loadBalancer: z
      .object({
        pool: ipRangeSchema.describe('Addresses MetalLB hands to LoadBalancer Services; MAAS reserves them.'),
      })
      .strict(),
    dns: z
      .discriminatedUnion('provider', [
        z
          .object({
            provider: z.literal('google').describe('Google Cloud DNS, as in the reference home lab.'),
            project: formatted(gcpProjectProblem).describe('GCP project that holds the zone.'),
          })
          .strict(),
        z.object({ provider: z.literal('cloudflare').describe('Cloudflare DNS (API token).') }).strict(),
      ])
      .describe(
        'DNS provider of `domain`, for ACME DNS-01 (cert-manager) and ExternalDNS. Credentials come from the sealed store.',
      ),
    tls: z
      .object({
        acmeEmail: z.email().describe("Contact address for Let's Encrypt."),
        issuer: z
          .enum(['letsencrypt-production', 'letsencrypt-staging', 'internal-ca'])
          .default('letsencrypt-production')
          .describe('ClusterIssuer exposed services get their certificates from.'),
      })
      .strict(),
    ingress: z
      .object({
        envoyPoolOffset: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe("Envoy's LoadBalancer IP as an offset into loadBalancer.pool (0 = its first address)."),
      })
      .strict()
      .default({ envoyPoolOffset: 0 }),
    storage: z
      .object({
        ceph: z
          .object({
            mons: z
              .number()
              .int()
              .min(1)
              .default(3)
              .describe('Ceph monitors: odd, and at most the number of nodes.'),
            osdSizeGiB: z
              .number()
              .int()
              .min(10)
              .default(200)
              .describe("Size of each node's OSD volume, carved from its TopoLVM volume group."),
            blockReplicas: z
              .number()
              .int()
              .min(1)
              .default(3)
              .describe('Replica count of the ceph-block pool: at most the number of OSD nodes.'),
            objectReplicas: z
              .number()
              .int()
              .min(1)
              .default(3)
              .describe('Replica count of the S3 object store pools: at most the number of OSD nodes.'),
          })
          .strict()
          .default({ mons: 3, osdSizeGiB: 200, blockReplicas: 3, objectReplicas: 3 }),
      })
      .strict()
      .default({ ceph: { mons: 3, osdSizeGiB: 200, blockReplicas: 3, objectReplicas: 3 } }),
    databases: z
      .object({
        mysql: z
          .array(
            z
              .object({
                name: dnsLabel.describe('MySQLCluster name.'),
                namespace: dnsLabel.default('mysql').describe('Namespace of the cluster.'),
                replicas: z
                  .number()
                  .int()
                  .default(3)
                  .describe('1, 3 or 5: MOCO runs semi-synchronous replication.'),
                storageGiB: z
                  .number()
                  .int()
                  .min(1)
                  .default(10)
                  .describe('Data volume per instance, on TopoLVM.'),
                backupSchedule: formatted(cronProblem)
                  .default('0 3 * * *')
                  .describe('Cron schedule of the full backup to the Ceph S3 bucket.'),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ mysql: [] }),
    monitoring: z
      .object({
        retention: formatted(metricsRetentionProblem)
          .default('30d')
          .describe('How long VictoriaMetrics keeps samples: a number and h, d, w or y, at least 1d.'),
        storageGiB: z.number().int().min(1).default(50).describe('vmstorage volume per replica, on TopoLVM.'),
        replicas: z
          .object({
            storage: z.number().int().min(1).default(2),
            select: z.number().int().min(1).default(2),
            insert: z.number().int().min(1).default(2),
          })
          .strict()
          .default({ storage: 2, select: 2, insert: 2 }),
        replicationFactor: z
          .number()
          .int()
          .min(1)
          .default(2)
          .describe('Copies of each sample vminsert writes: at most the vmstorage replicas.'),
        receivers: z
          .array(
            z.discriminatedUnion('type', [
              z
                .object({
                  type: z.literal('slack'),
                  name: dnsLabel,
                  channel: formatted(slackChannelProblem).describe(
                    'Channel, e.g. #alerts. The webhook URL is sealed.',
                  ),
                })
                .strict(),
              z
                .object({ type: z.literal('discord'), name: dnsLabel })
                .strict()
                .describe('The webhook URL is sealed.'),
              z
                .object({ type: z.literal('webhook'), name: dnsLabel })
                .strict()
                .describe('The URL is sealed.'),
              z
                .object({
                  type: z.literal('email'),
                  name: dnsLabel,
                  to: z.email(),
                  from: z.email(),
                  smarthost: formatted((s) => hostPortProblem(s, true)).describe('SMTP server as host:port.'),
                  username: formatted((s) => printableProblem(s, 256)).describe(
                    'SMTP user; the password is sealed.',
                  ),
                })
                .strict(),
            ]),
          )
          .min(1, { error: 'at least one receiver is needed, or alerts reach nobody' })
          .describe('Where alerts go. Their URLs and passwords come from the sealed store.'),
        defaultReceiver: dnsLabel
          .optional()
          .describe('Receiver of every alert. Default: the first receiver.'),
        heartbeat: dnsLabel
          .optional()
          .describe(
            'Receiver of the always-firing Watchdog alert (a dead man’s switch, e.g. healthchecks.io).',
          ),
      })
      .strict(),
    logging: z
      .object({
        retention: formatted(logRetentionProblem).default('744h').describe('How long Loki keeps logs.'),
      })
      .strict()
      .default({ retention: '744h' }),
    grafana: z
      .object({
        loginForm: z
          .boolean()
          .default(false)
          .describe('Show the username/password form besides GitHub login (off: GitHub only).'),
      })
      .strict()
      .default({ loginForm: false }),
    sealedSecrets: z
      .object({
        certificate: formatted(relativePathProblem)
          .optional()
          .describe(
            'The controller certificate `npm run seal` seals with. Default: certs/<name>/sealed-secrets.pem.',
          ),
        keyName: dnsLabel
          .default('sealed-secrets-key')
          .describe('Name of the controller key Secret the bootstrap stack writes.'),
        keyLabels: z
          .record(formatted(labelKeyProblem), formatted(labelValueProblem))
          .default({})
          .describe(
            'Extra labels on the key Secret, e.g. for a backup tool to select it. The controller’s own label is always set.',
          ),
      })
      .strict()
      .default({ keyName: 'sealed-secrets-key', keyLabels: {} }),
    images: z
      .object({
        registry: z
          .object({
            host: formatted(registryHostProblem).describe(
              'Registry host (and port). The credentials are ouchi:registryUsername and the secret ouchi:registryPassword.',
            ),
            namespace: z
              .string()
              .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
                error: 'must be a lower-case repository path like ouchi-lab',
              })
              .describe('Path under the host the images are pushed to, e.g. the GitHub org on ghcr.io.'),
          })
          .strict(),
        build: z.array(imageBuildSchema).default([]).describe('Images the images layer builds and pushes.'),
      })
      .strict()
      .optional()
      .describe(
        'Images ouchi builds (pulumi up, images layer). Deployments pin them by digest from images.lock/<name>.json.',
      ),
    apps: z
      .array(dnsLabel)
      .default([])
      .describe('User apps this site runs (charts/apps/), each in the apps AppProject.'),
    volumeGroup: dnsLabel.default('ouchi-vg').describe('Name of the LVM volume group on every node.'),
    nodes: z.array(nodeSchema).min(1),
    sso: z
      .object({
        github: z
          .object({
            org: formatted(githubOrgProblem).describe('GitHub organization allowed to log in.'),
            team: formatted(githubTeamProblem).describe('Team slug in that org that gets admin.'),
          })
          .strict(),
      })
      .strict(),
    gitops: z
      .object({
        repoURL: formatted(gitRepoUrlProblem).describe('GitOps repo URL Argo CD reads (https or ssh).'),
        branch: formatted(branchNameProblem)
          .default('main')
          .describe('Branch Argo CD reads and publish pushes.'),
        path: formatted(relativePathProblem)
          .optional()
          .describe('Folder of this site in the repo, relative to its root. Default: the site name.'),
      })
      .strict(),
  })
  .strict();

/** The site file as written (defaults not applied). */
export type SiteInput = z.input<typeof siteSchema>;
/** The site after parsing: defaults applied. */
export type SiteSpec = z.output<typeof siteSchema>;
export type NodeSpec = SiteSpec['nodes'][number];
export type PowerSpec = NodeSpec['power'];
export type RangeSpec = z.output<typeof ipRangeSchema>;
export type ImageBuildSpec = z.output<typeof imageBuildSchema>;

/** JSON Schema of the site file, for editors (`# yaml-language-server: $schema=...`). */
export function siteJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(siteSchema, { io: 'input' }) as Record<string, unknown>;
}
