import { median, parseTimes, timeOnce } from '../../bench/measure';
import { ROOT } from '../support/site';

describe('bench/measure', () => {
  it('reads the children’s user and system time from bash’s `times`', () => {
    expect(parseTimes('0m0.002s 0m0.000s\n0m1.250s 0m0.125s\n')).toBe(1375);
    expect(parseTimes('0m0.000s 0m0.000s\n1m2.500s 0m0.000s')).toBe(62500);
    expect(() => parseTimes('0.5 0.1')).toThrow('unexpected `times` field "0.5"');
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of no values');
  });

  it('times a real process, counting its CPU, and reports a failure with its stderr', () => {
    const spin = 'const t = Date.now(); while (Date.now() - t < 200);';
    const sample = timeOnce({ name: 'spin', argv: ['node', '-e', spin], cwd: ROOT });
    expect(sample.cpuMs).toBeGreaterThanOrEqual(150);
    expect(sample.wallMs).toBeGreaterThanOrEqual(sample.cpuMs * 0.5);
    expect(() =>
      timeOnce({
        name: 'failing',
        argv: ['node', '-e', 'console.error("broken"); process.exit(3)'],
        cwd: ROOT,
      }),
    ).toThrow('failing failed (exit 3):\nbroken');
  });
});
