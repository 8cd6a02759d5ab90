/** `npm run bench` section: the MAAS fleet against the simulator, wall(N)/wall(1) (bench/maas). */
import { join } from 'node:path';
import { runBenchScript, type BenchSection, type Figure } from '../section';

export const section: BenchSection = {
  title: 'MAAS fleet: wall(N)/wall(1), client CPU per request',
  run: async (ctx) => {
    const out = runBenchScript(ctx, join(__dirname, 'index.ts'));
    const figures: Figure[] = [];
    let scale = '';
    for (const line of out.trim().split('\n')) {
      const text = line.trim();
      if (text.startsWith('stretch')) scale = text.split(':')[0];
      else if (text.startsWith('goal')) {
        for (const part of text.split('; '))
          figures.push({
            label: `${scale} ${part.split(':')[0]}`,
            value: part,
            goal: {
              text: part.split(':')[0].replace(/^goal /, ''),
              met: part.endsWith('met') && !part.endsWith('NOT met'),
            },
          });
      } else figures.push({ label: scale === '' ? 'client' : scale, value: text });
    }
    return figures;
  },
};
