import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rule: the domain is pure. Its files may import each other and
 * zod, nothing else: no AWS SDK, no Temporal, no node: built-ins, nothing from the
 * rest of the repository.
 */
const DOMAIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(DOMAIN_DIR, '..', '..');
const ALLOWED_PACKAGES = new Set(['zod']);

const isTestPath = (file: string) => relative(DOMAIN_DIR, file).split(sep).includes('test') || file.endsWith('.test.ts');

/** Every import of `source` (static, type-only, re-export, dynamic, require) that breaks the rule, as a message naming file and import. */
function importViolations(file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const where = relative(REPO_ROOT, file);
  const violations: string[] = [];
  for (const { fileName: spec } of importedFiles) {
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(DOMAIN_DIR + sep)) {
        violations.push(`${where}: imports '${spec}', which resolves outside shared/domain/ (${relative(REPO_ROOT, target)})`);
      } else if (isTestPath(target)) {
        violations.push(`${where}: imports '${spec}', which is test code`);
      }
    } else if (!ALLOWED_PACKAGES.has(spec)) {
      violations.push(`${where}: imports '${spec}'; the domain may import only zod and its own files`);
    }
  }
  return violations;
}

function domainSources(dir = DOMAIN_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' || entry.name === 'node_modules' ? [] : domainSources(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !isTestPath(path) ? [path] : [];
  });
}

describe('the domain depends on nothing but zod and itself', () => {
  const files = domainSources();

  it('finds the domain sources (not vacuous)', () => {
    const names = files.map((f) => relative(DOMAIN_DIR, f)).sort();
    for (const expected of ['contracts.ts', 'order.ts', 'retry.ts', 'saga.ts', 'simulation.ts']) expect(names).toContain(expected);
    expect(names.some((n) => n.startsWith('test'))).toBe(false);
  });

  it.each(files.map((f) => [relative(DOMAIN_DIR, f), f]))('%s imports only zod and shared/domain/', (_name, file) => {
    const violations = importViolations(file, readFileSync(file, 'utf8'));
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('every relative import names a file that exists', () => {
    const missing: string[] = [];
    for (const file of files) {
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (fileName.startsWith('.') && !existsSync(resolve(dirname(file), fileName)))
          missing.push(`${relative(REPO_ROOT, file)}: '${fileName}'`);
      }
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('the scan sees the imports that are there (zod and a sibling)', () => {
    const contracts = files.find((f) => f.endsWith(`${sep}contracts.ts`))!;
    const specs = ts.preProcessFile(readFileSync(contracts, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    expect(specs).toContain('zod');
    expect(specs).toContain('./simulation.ts');
  });
});

describe('the rule bites', () => {
  const file = join(DOMAIN_DIR, 'synthetic.ts');

  it('reports an AWS SDK import and a node: built-in, naming the file and each import', () => {
    const source = [
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      "import { readFileSync } from 'node:fs';",
      "import { z } from 'zod';",
      "import { orderTotal } from './order.ts';",
    ].join('\n');
    const violations = importViolations(file, source);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toContain('shared/domain/synthetic.ts');
    expect(violations[0]).toContain("'@aws-sdk/client-sqs'");
    expect(violations[1]).toContain('shared/domain/synthetic.ts');
    expect(violations[1]).toContain("'node:fs'");
  });

  it.each([
    ["import type { Context } from 'aws-lambda';", 'aws-lambda'],
    ["export * from '@temporalio/workflow';", '@temporalio/workflow'],
    ["export { x } from 'fs';", 'fs'],
    ["const m = await import('node:crypto');", 'node:crypto'],
    ["const m = require('pg');", 'pg'],
    ["import 'dotenv/config';", 'dotenv/config'],
    ["import { z } from 'zod/mini';", 'zod/mini'],
    ["import { eventFrom } from '../messaging/envelope.ts';", '../messaging/envelope.ts'],
    ["import { x } from '../../choreography/bus.ts';", '../../choreography/bus.ts'],
    ["import { x } from './../../shared/domain/../errors.ts';", './../../shared/domain/../errors.ts'],
    ["import { makeEvent } from './test/events.ts';", './test/events.ts'],
  ])('reports %s', (source, spec) => {
    const violations = importViolations(file, source);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(`'${spec}'`);
    expect(violations[0]).toContain('shared/domain/synthetic.ts');
  });

  it('allows zod, siblings and nested domain files', () => {
    const source = [
      "import { z } from 'zod';",
      "import type { Order } from './order.ts';",
      "export * from './retry.ts';",
      "import { x } from './sub/inner.ts';",
      "import { y } from '../domain/saga.ts';",
    ].join('\n');
    expect(importViolations(file, source)).toEqual([]);
  });
});
