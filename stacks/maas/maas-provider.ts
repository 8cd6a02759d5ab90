/**
 * One dynamic provider for every MAAS resource: it routes each call by the resource's `kind` input
 * to the provider of that kind (machine-provider.ts, network-providers.ts).
 *
 * Why one and not four: `pulumi.dynamic.Resource` serializes its provider with Pulumi's closure
 * serializer, once per provider instance, and every serialization walks and copies the whole MAAS
 * client again (the client, transport, OAuth and form code are most of each text). Four providers
 * made four copies, about 0.4 s of the program's CPU each after the first (bench/program). One
 * provider makes one.
 *
 * State written by the four separate providers of earlier versions carries their own `__provider`
 * text and no `kind`: the dynamic-provider host runs read and delete with the provider in the state,
 * so those never reach this one; check, diff and update run with the program's new inputs, which
 * carry the kind.
 */
import type * as pulumi from '@pulumi/pulumi';

export const MAAS_KINDS = ['machine', 'ipRange', 'vlanDhcp', 'tag'] as const;
export type MaasKind = (typeof MAAS_KINDS)[number];

/** A kind's provider: every kind reads, diffs, updates and deletes; check is optional (DHCP has none). */
type Provider = Required<
  Pick<pulumi.dynamic.ResourceProvider, 'diff' | 'create' | 'read' | 'update' | 'delete'>
> &
  Pick<pulumi.dynamic.ResourceProvider, 'check'>;
type Props = Record<string, unknown>;

const notAKind = (kind: unknown): string => `${JSON.stringify(kind)} is not one of ${MAAS_KINDS.join(', ')}`;

export class MaasProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly kinds: Readonly<Record<MaasKind, Provider>>) {}

  private isKind(kind: unknown): kind is MaasKind {
    return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(this.kinds, kind);
  }

  private kindOf(props: Props, call: string): MaasKind {
    if (this.isKind(props.kind)) return props.kind;
    throw new Error(
      `MAAS ${call}: kind ${notAKind(props.kind)}; the resource’s inputs must name its kind (stacks/maas/resources.ts sets it)`,
    );
  }

  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const kind = news.kind;
    if (!this.isKind(kind)) {
      return { inputs: news, failures: [{ property: 'kind', reason: notAKind(kind) }] };
    }
    const provider = this.kinds[kind];
    if (!provider.check) return { inputs: news };
    const result = await provider.check(olds, news);
    return { ...result, inputs: { ...(result.inputs ?? news), kind } };
  }

  async diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return this.kinds[this.kindOf(news, `diff of ${id}`)].diff(id, olds, news);
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const kind = this.kindOf(inputs, 'create');
    const result = await this.kinds[kind].create(inputs);
    return { ...result, outs: { ...result.outs, kind } };
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const kind = this.kindOf(props, `read of ${id}`);
    const result = await this.kinds[kind].read(id, props);
    // No props: the resource is gone, and says so with an empty result.
    if (result.props === undefined) return result;
    return {
      ...result,
      props: { ...result.props, kind },
      ...(result.inputs === undefined ? {} : { inputs: { ...result.inputs, kind } }),
    };
  }

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const kind = this.kindOf(news, `update of ${id}`);
    const result = await this.kinds[kind].update(id, olds, news);
    return { ...result, outs: { ...result.outs, kind } };
  }

  async delete(id: string, props: Props): Promise<void> {
    await this.kinds[this.kindOf(props, `delete of ${id}`)].delete(id, props);
  }
}
