/** `npm run bench` section: the Pulumi program under mocks at 100 nodes + 20 images (bench/program). */
import { join } from 'node:path';
import { runBenchScript, type BenchSection } from '../section';

export const section: BenchSection = {
  title: 'Pulumi program under mocks (100 nodes + 20 images)',
  run: async (ctx) => {
    const out = runBenchScript(ctx, join(__dirname, 'index.ts'), {
      BENCH_NODES: '100',
      BENCH_IMAGES: '20',
      BENCH_MODES: 'shared,per-resource',
    });
    const lines = out.trim().split('\n').slice(2);
    const starts = lines.filter((r) => r.trim().startsWith('start:'));
    const rows = lines.filter((r) => !starts.includes(r));
    const goal = rows.find((r) => r.trim().startsWith('goal'));
    return [
      ...rows
        .filter((r) => r !== goal)
        .map((r) => ({ label: 'providers nodes resources ms resources/s', value: r.trim() })),
      ...(goal
        ? [
            {
              label: 'one MAAS provider, shared',
              value: goal.trim(),
              goal: { text: '100 nodes + 20 images <= 4000 ms', met: goal.includes(': met') },
            },
          ]
        : []),
      ...starts.map((r) => ({
        label: 'program start, every layer loaded',
        value: r.trim().slice('start: '.length),
      })),
    ];
  },
};
