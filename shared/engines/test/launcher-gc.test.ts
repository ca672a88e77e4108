/**
 * The launcher's patch 16 (moto_server.py): after each full garbage collection the objects that
 * survived it are frozen, so a long run's collections stop growing with everything moto keeps.
 * What it bought is a benchmark figure (bench/measurement-log.md, issue #16's eighth pass); here, that every moto
 * process of the substrate has it: each had full collections while it imported moto, and froze
 * what survived them.
 */
import { describe, expect, inject, it } from 'vitest';
import { motoUrl } from '../moto.ts';

describe('moto launcher: full collections freeze what survived them', () => {
  const substrate = inject('substrate');

  it('every moto process has frozen objects, and says how many', async () => {
    const frozen = await Promise.all(
      substrate.moto.processes.map(async (p) => {
        const res = await fetch(`${motoUrl(p.port)}/_sagabench/gc`, { signal: AbortSignal.timeout(10_000) });
        expect(res.status, p.name).toBe(200);
        return { name: p.name, ...((await res.json()) as { frozen: number }) };
      }),
    );
    expect(frozen.map((f) => f.name)).toEqual(substrate.moto.processes.map((p) => p.name));
    // moto's import alone makes a few hundred thousand objects: a freeze after its full collections holds most of them.
    for (const f of frozen) expect(f.frozen, f.name).toBeGreaterThan(50_000);
  });
});
