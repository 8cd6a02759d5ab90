import { deriveWaves, WaveCycleError } from '../../../lib/graph/waves';
import type { Need } from '../../../lib/graph/requirements';

const need = (app: string, provider: string, target = 'a thing'): Need => ({
  app,
  subject: `Service x/${app} (${app}/service-${app}.yaml)`,
  kind: 'reference',
  target,
  providers: [provider],
  sameAppOk: true,
});

describe('deriveWaves', () => {
  it('puts every Application one wave after the highest it needs', () => {
    const waves = deriveWaves(
      ['a', 'b', 'c', 'd'],
      [need('b', 'a'), need('c', 'b'), need('c', 'a'), need('d', 'd')],
    );
    expect(Object.fromEntries(waves)).toEqual({ a: 0, b: 1, c: 2, d: 0 });
  });

  it('ignores needs nobody provides (the convergence check reports them)', () => {
    const orphan: Need = { ...need('a', 'x'), providers: [] };
    expect(Object.fromEntries(deriveWaves(['a'], [orphan]))).toEqual({ a: 0 });
  });

  it('names a cycle with the need behind each step', () => {
    let error: unknown;
    try {
      deriveWaves(
        ['contour', 'metallb'],
        [
          need('metallb', 'contour', 'Secret x/y'),
          need('contour', 'metallb', 'an address from an IPAddressPool'),
        ],
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WaveCycleError);
    expect((error as Error).message).toBe(
      'sync waves: the Applications contour → metallb → contour need each other, so none can sync first: contour: Service x/contour (contour/service-contour.yaml) needs an address from an IPAddressPool from metallb; metallb: Service x/metallb (metallb/service-metallb.yaml) needs Secret x/y from contour',
    );
  });
});
