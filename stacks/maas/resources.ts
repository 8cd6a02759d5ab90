/**
 * The MAAS dynamic resources as Pulumi resources. Their Pulumi type is `pulumi-nodejs:dynamic:Resource`,
 * so the class names say what they are. Credentials (API key, power parameters) stay secret in the
 * state through additionalSecretOutputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { MachineProvider, stderrLog, type Log, type MachineInputs } from './machine-provider';
import { MaasProvider, type MaasKind } from './maas-provider';
import {
  IpRangeProvider,
  TagProvider,
  VlanDhcpProvider,
  type IpRangeInputs,
  type TagInputs,
  type VlanDhcpInputs,
} from './network-providers';

type Args<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

const SECRET_CONNECTION = ['apiKey'];

/**
 * Where MaasMachine's progress goes ("nuc1: Commissioning after 120 s"). Not `pulumi.log.info`: in
 * @pulumi/pulumi 3.248 the dynamic-provider host (cmd/dynamic-provider) never connects to the engine.
 * It is handed the engine's address but ignores it, and its process has no PULUMI_NODEJS_ENGINE, so
 * `pulumi.log.*` finds no engine and falls back to console output labelled `info: [runtime]`, with
 * no resource attached (pulumi/pulumi#18249, #6065). What the engine does show is a dynamic
 * provider's own stdout and stderr (it streams them into the update's diagnostics), so the provider
 * writes plain lines to stderr. Tests inject their own logger into MachineProvider.
 */
export const MACHINE_PROGRESS: Log = stderrLog;

/**
 * The one provider of every MAAS resource (maas-provider.ts says why one), made of one instance of
 * each kind's provider. `pulumi.dynamic.Resource` serializes a provider once per instance (it caches
 * the text in a WeakMap keyed by the instance), so every resource shares this one. Sharing is sound
 * because the providers keep no per-resource state: their fields are the logger and the client
 * lookup, fixed at construction; what they learn about a resource lives in its inputs and outputs.
 * (The dynamic-provider host also keeps one deserialized instance per distinct text.)
 */
export function newMaasProvider(): MaasProvider {
  return new MaasProvider({
    machine: new MachineProvider(MACHINE_PROGRESS),
    ipRange: new IpRangeProvider(),
    vlanDhcp: new VlanDhcpProvider(),
    tag: new TagProvider(),
  });
}

/** What the resources below use; a property so that bench/program can give each resource its own. */
export const PROVIDERS: { readonly maas: MaasProvider } = { maas: newMaasProvider() };

const kind = <K extends MaasKind>(k: K): { kind: K } => ({ kind: k });

export class MaasMachine extends pulumi.dynamic.Resource {
  declare readonly systemId: pulumi.Output<string>;
  declare readonly statusName: pulumi.Output<string>;
  declare readonly powerState: pulumi.Output<string>;
  declare readonly ipAddresses: pulumi.Output<string[]>;
  declare readonly fqdn: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly hostname: pulumi.Output<string>;

  constructor(name: string, args: Args<MachineInputs>, opts: pulumi.CustomResourceOptions = {}) {
    super(
      PROVIDERS.maas,
      name,
      {
        ...args,
        ...kind('machine'),
        systemId: undefined,
        status: undefined,
        statusName: undefined,
        statusMessage: undefined,
        powerState: undefined,
        ipAddresses: undefined,
        fqdn: undefined,
        adopted: undefined,
        claim: undefined,
      },
      { ...opts, additionalSecretOutputs: [...SECRET_CONNECTION, 'powerParameters'] },
    );
  }
}

export class MaasIpRange extends pulumi.dynamic.Resource {
  declare readonly subnetCidr: pulumi.Output<string>;

  constructor(name: string, args: Args<IpRangeInputs>, opts: pulumi.CustomResourceOptions = {}) {
    super(
      PROVIDERS.maas,
      name,
      { ...args, ...kind('ipRange'), subnetCidr: undefined },
      { ...opts, additionalSecretOutputs: SECRET_CONNECTION },
    );
  }
}

export class MaasVlanDhcp extends pulumi.dynamic.Resource {
  declare readonly rack: pulumi.Output<string>;

  constructor(name: string, args: Args<VlanDhcpInputs>, opts: pulumi.CustomResourceOptions = {}) {
    super(
      PROVIDERS.maas,
      name,
      { ...args, ...kind('vlanDhcp'), rack: undefined, dhcpOn: undefined },
      { ...opts, additionalSecretOutputs: SECRET_CONNECTION },
    );
  }
}

export class MaasTag extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: Args<TagInputs>, opts: pulumi.CustomResourceOptions = {}) {
    super(
      PROVIDERS.maas,
      name,
      { ...args, ...kind('tag') },
      { ...opts, additionalSecretOutputs: SECRET_CONNECTION },
    );
  }
}
