/**
 * The Pulumi program (`pulumi up`): one stack per site; `ouchi:layers` picks what runs.
 */
import { stackContext } from './config';
import { layerPrograms } from './layers';
// Each layer module registers its program in layerPrograms.
import './bootstrap';
import './images';
import './maas';

const context = stackContext();
const outputs: Record<string, unknown> = {};
for (const layer of context.layers) {
  const program = layerPrograms[layer];
  if (!program) throw new Error(`layer ${layer} is not available in this build`);
  outputs[layer] = program(context);
}

export const site = context.site.name;
export const layers = outputs;
