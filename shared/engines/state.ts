import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { journalFile, runDir, stateFile } from '../paths.ts';
import { writeFileAtomic } from '../runtime/atomic-write.ts';
import { endpointsSchema } from '../aws/clients.ts';

const processSchema = z.object({
  pid: z.number().int().positive(),
  command: z.array(z.string()).min(1),
  log: z.string(),
});

export const motoProcessSchema = processSchema.extend({
  name: z.string(),
  port: z.number().int(),
  services: z.array(z.enum(['sqs', 'sns', 'sfn', 'dynamodb', 'events'])),
});

export const substrateStateSchema = z.object({
  schemaVersion: z.literal(1),
  instance: z.string(),
  startedAt: z.string(),
  host: z.literal('127.0.0.1'),
  moto: z.object({
    version: z.string(),
    /** False when moto ran without the launcher's race fixes (SAGABENCH_MOTO_UNPATCHED=1). */
    patched: z.boolean(),
    processes: z.array(motoProcessSchema).min(1),
    endpoints: endpointsSchema,
  }),
  temporal: processSchema.extend({
    version: z.string(),
    address: z.string(),
    port: z.number().int(),
    namespace: z.string(),
    uiUrl: z.string().nullable(),
  }),
});

/** pid 0: announced just before its spawn; the pid is recorded in a second entry once known. */
const journalEntrySchema = processSchema.extend({ pid: z.number().int().nonnegative() });
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export function readJournal(instance: string): JournalEntry[] {
  const file = journalFile(instance);
  if (!fs.existsSync(file)) return [];
  return z.array(journalEntrySchema).parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function appendJournal(instance: string, entry: JournalEntry): void {
  fs.mkdirSync(runDir(), { recursive: true });
  const file = journalFile(instance);
  writeFileAtomic(file, JSON.stringify([...readJournal(instance), entry], null, 2));
}

export function removeJournal(instance: string): void {
  fs.rmSync(journalFile(instance), { force: true });
}

export type SubstrateState = z.infer<typeof substrateStateSchema>;
export type MotoProcess = z.infer<typeof motoProcessSchema>;

export function readState(instance: string): SubstrateState | undefined {
  const file = stateFile(instance);
  if (!fs.existsSync(file)) return undefined;
  const parsed = substrateStateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a sagabench state file: ${parsed.error.message}`);
  return parsed.data;
}

/** Written via rename so a reader never sees half a file. */
export function writeState(state: SubstrateState): void {
  fs.mkdirSync(runDir(), { recursive: true });
  const file = stateFile(state.instance);
  writeFileAtomic(file, JSON.stringify(state, null, 2));
}

export function removeState(instance: string): void {
  fs.rmSync(stateFile(instance), { force: true });
}

export function listInstances(): string[] {
  if (!fs.existsSync(runDir())) return [];
  return fs
    .readdirSync(runDir())
    .filter((f) => f.endsWith('.json') && !f.endsWith('.pids.json'))
    .map((f) => path.basename(f, '.json'));
}
