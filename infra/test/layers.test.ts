import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { layerViolations } from './layers.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'layers');

describe('layers point down (dependency-cruiser over the real imports)', () => {
  it('the tree has no import up the layers and none between variants', async () => {
    const { modules, violations } = await layerViolations(PROJECT_ROOT);
    expect(violations).toEqual([]);
    expect(modules, 'the cruise read the tree').toBeGreaterThan(200);
  }, 120_000);

  it('names the offending import when shared/ imports the harness', async () => {
    expect(fs.existsSync(path.join(FIXTURE, 'shared', 'topology.ts'))).toBe(true);
    // bench -> choreography points down and is allowed; shared -> bench is the one violation.
    const { modules, violations } = await layerViolations(FIXTURE);
    expect(modules).toBe(3);
    expect(violations).toEqual(['shared/topology.ts -> bench/run.ts (shared-imports-no-higher-layer)']);
  });
});
