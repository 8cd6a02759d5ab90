/**
 * The Pulumi program (`pulumi up`): one stack per site; `ouchi:layers` picks what runs. Only the
 * modules of the layers that are on are loaded: the bootstrap layer's charts and the images layer's
 * providers cost a maas-only stack seconds on every run (`pulumi up` runs the program twice).
 */
import { stackContext, type Layer } from './config';
import { layerPrograms } from './layers';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand; each registers its program in layerPrograms */
const LAYER_MODULES: Record<Layer, () => void> = {
  maas: () => require('./maas'),
  images: () => require('./images'),
  bootstrap: () => require('./bootstrap'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Pulumi calls the exported function and awaits it: its result is the stack's outputs. */
export = async (): Promise<{ site: string; layers: Record<string, unknown> }> => {
  const context = stackContext();
  const outputs: Record<string, unknown> = {};
  for (const layer of context.layers) {
    LAYER_MODULES[layer]();
    const program = layerPrograms[layer];
    if (!program) throw new Error(`layer ${layer} is not available in this build`);
    outputs[layer] = await program(context);
  }
  return { site: context.site.name, layers: outputs };
};
