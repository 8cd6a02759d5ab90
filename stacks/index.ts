/**
 * The Pulumi program (`pulumi up`): one stack per site; `ouchi:layers` picks what runs.
 */
import { stackContext } from './config';
import { layerPrograms } from './layers';
// Each layer module registers its program in layerPrograms.
import './bootstrap';
import './images';
import './maas';

/** Pulumi calls the exported function and awaits it: its result is the stack's outputs. */
export = async (): Promise<{ site: string; layers: Record<string, unknown> }> => {
  const context = stackContext();
  const outputs: Record<string, unknown> = {};
  for (const layer of context.layers) {
    const program = layerPrograms[layer];
    if (!program) throw new Error(`layer ${layer} is not available in this build`);
    outputs[layer] = await program(context);
  }
  return { site: context.site.name, layers: outputs };
};
