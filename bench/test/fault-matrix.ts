import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../../shared/engines/test/cli-run.ts';
import { leftovers, ours } from './leftovers.ts';
import { resultsSchema } from '../results/schema.ts';
import { FAULTS } from '../faults/catalog.ts';
import { REDELIVERY_ENV } from '../../shared/topology/redelivery.ts';
import { VARIANTS, variantOf, type VariantName } from '../../infra/variants.ts';

/**
 * The fault matrix in two halves, one a file in each test lane (vitest.config.ts): most of its time is the
 * pause and crash faults waiting out the visibility and activity timeouts, and in two lanes those waits
 * meet the other lane's work instead of adding up in one. Every variant is in exactly one half (the
 * assertion below).
 */
export const FAULT_MATRIX_HALVES: readonly (readonly VariantName[])[] = [
  ['choreography', 'eventbridge'],
  ['stepfunctions', 'temporal', 'lambda-durable'],
];

// Every variant x every fault class, through the real command on the real
// engines: the guarantee is 0 lost orders, every invariant holding (stock and
// money conserved, no double charge or shipment, outcomes as planned), poison
// isolated in a DLQ or refused at the edge. Small order counts; the pause and
// crash faults still take their time, since recovery waits out the visibility
// and activity timeouts by design. Those are the redelivery setting
// (shared/topology/redelivery.ts), 10 s here instead of 30: the same redeliveries
// on the same engines, 20 s sooner in each crash and pause fault (README).
const MATRIX_REDELIVERY_SECONDS = 10;
export function faultMatrix(variants: readonly VariantName[]) {
  describe(`fault matrix: ${variants.join(', ')}`, () => {
    const substrate = inject('substrate');

    it('the halves hold every variant once', () => {
      expect([...FAULT_MATRIX_HALVES.flat()].sort()).toEqual([...VARIANTS].sort());
      expect(FAULT_MATRIX_HALVES).toContainEqual(variants);
    });

    it('keeps every guarantee for each of these variants under every fault', { timeout: 900_000 }, async () => {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-faults-')), 'run');
      const before = new Set(ours());
      const r = await runCli(
        [
          'bench',
          '--instance',
          substrate.instance,
          '--orders',
          '8',
          '--warmup',
          '0',
          '--levels',
          '4',
          '--floor-orders',
          '0',
          '--no-change-impact',
          '--variants',
          variants.join(','),
          '--faults',
          'all',
          '--quiet',
          '--out',
          dir,
        ],
        { [REDELIVERY_ENV]: String(MATRIX_REDELIVERY_SECONDS) },
        880_000,
      );
      const results = resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')));
      const broken = results.variants.flatMap((v) => v.invariants.filter((i) => !i.ok).map((i) => `${v.name}: ${i.name}: ${i.detail}`));
      expect(broken).toEqual([]);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(results.variants.map((v) => v.name).sort()).toEqual([...variants].sort());
      for (const v of results.variants) {
        // A fault with nothing to hit locally is skipped, and says why (its registry entry).
        const skipped = Object.keys(variantOf(v.name).faultsNotApplicable ?? {});
        expect((v.faultsSkipped ?? []).map((s) => s.fault).sort(), v.name).toEqual([...skipped].sort());
        expect(
          v.faults?.map((f) => f.fault),
          v.name,
        ).toEqual(FAULTS.filter((f) => !skipped.includes(f)));
        for (const f of v.faults!) {
          const where = `${v.name}/${f.fault}`;
          expect(f.fired, where).toBe(true);
          // The run took the setting: the pause outlasted 10 s timeouts, not 30 s ones.
          if (f.fault === 'pause')
            expect(f.description, where).toMatch(
              new RegExp(`for ${MATRIX_REDELIVERY_SECONDS + 5} s, .*\\(${MATRIX_REDELIVERY_SECONDS} s\\)`),
            );
          // Counted where sent, not assumed: the duplicate fault fired only if duplicates went out.
          if (f.fault === 'duplicate') expect(f.duplicatesSent, where).toBeGreaterThan(0);
          expect(f.outcomes.lost, where).toBe(0);
          expect(f.outcomes.errors, where).toBe(0);
          expect(f.outcomes.accepted, where).toBe(8);
          expect(f.outcomes.completed + f.outcomes.cancelled + f.outcomes.rejected, where).toBe(8);
        }
        const poison = v.faults!.find((f) => f.fault === 'poison')!;
        const inDlq = poison.dlq.reduce((s, d) => s + d.messages, 0);
        // Temporal and the durable saga have no queue of their own to poison: there the poison is the malformed orders, refused at the edge.
        const queueless = v.name === 'temporal' || v.name === 'lambda-durable';
        expect(inDlq, v.name).toBe(queueless ? 0 : poison.poisonInjected);
        if (!queueless) expect(poison.poisonInjected).toBeGreaterThan(0);
        expect(poison.invariants.find((i) => i.name.startsWith('malformed orders refused'))?.ok).toBe(true);
        // A frozen process holds up whatever reaches it: some orders must have felt the pause.
        // (A crash may land between two messages and catch nothing; that is measured, not asserted.)
        if (!skipped.includes('pause'))
          expect(v.faults!.find((f) => f.fault === 'pause')!.ordersAffected, `${v.name}/pause`).toBeGreaterThan(0);
        expect(v.faults!.find((f) => f.fault === 'throttle')!.throttledCalls, v.name).toBeGreaterThan(0);
      }
      expect(r.stdout).toMatch(/fault\s+affected/);
      expect(await leftovers(before)).toEqual([]);
    });
  });
}
