import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapQuantile, overlap } from '../bootstrap.ts';
import { resolveConfig } from '../config.ts';

const range = (n: number, from: number, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);

describe('bootstrap intervals', () => {
  it('are reproducible for a seed, contain the sample median, and narrow with more orders', () => {
    const few = [range(20, 100, 5)];
    const many = [range(400, 100, 0.25)];
    const a = bootstrapQuantile(few, 0.5, 7)!;
    expect(bootstrapQuantile(few, 0.5, 7)).toEqual(a);
    expect(a[0]).toBeLessThanOrEqual(145);
    expect(a[1]).toBeGreaterThanOrEqual(145);
    const b = bootstrapQuantile(many, 0.5, 7)!;
    expect(b[1] - b[0]).toBeLessThan(a[1] - a[0]);
  });

  it('carry run-to-run variation: repeats that disagree give a wider interval than one run of as many orders', () => {
    const agreeing = [range(30, 100), range(30, 100), range(30, 100)];
    const noisy = [range(30, 100), range(30, 160), range(30, 220)];
    const w = (i: [number, number]) => i[1] - i[0];
    expect(w(bootstrapQuantile(noisy, 0.5, 1)!)).toBeGreaterThan(2 * w(bootstrapQuantile(agreeing, 0.5, 1)!));
  });

  it('give a throughput interval only from two repeats on, and tell overlapping intervals apart', () => {
    expect(bootstrapMedian([5], 1)).toBeNull();
    const t = bootstrapMedian([5, 6, 7], 1)!;
    expect(t[0]).toBeGreaterThanOrEqual(5);
    expect(t[1]).toBeLessThanOrEqual(7);
    expect(bootstrapQuantile([[], []], 0.5, 1)).toBeNull();
    expect(overlap([1, 3], [3, 5])).toBe(true);
    expect(overlap([1, 2.9], [3, 5])).toBe(false);
  });

  it('--repeat accepts 1 to 20 and refuses anything else with the field named', () => {
    expect(resolveConfig(undefined, { repeat: 3 }).repeat).toBe(3);
    expect(resolveConfig(undefined, {}).repeat).toBe(1);
    expect(() => resolveConfig(undefined, { repeat: 0 })).toThrow(/repeat/);
    expect(() => resolveConfig(undefined, { repeat: 2.5 })).toThrow(/repeat/);
  });
});
