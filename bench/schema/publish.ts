// Writes the published JSON Schemas from the zod schemas they mirror:
// `npm run schemas`. A test fails when a committed file is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../config.ts';
import { resultsJsonSchema } from '../results/schema.ts';

export const PUBLISHED = {
  'bench-config.schema.json': configJsonSchema,
  'results.schema.json': resultsJsonSchema,
} as const;

export const render = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  for (const [file, build] of Object.entries(PUBLISHED)) {
    fs.writeFileSync(path.join(dir, file), render(build()));
    console.log(`wrote bench/schema/${file}`);
  }
}
