import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { READABLE_VERSIONS, resultsSchema, SCHEMA_VERSION, type Results } from '../results/schema.ts';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

/**
 * Reads and validates a results file for the report. Every problem is the reader's to
 * fix, so each is a UserError with exit code 2 that names the file and the problem:
 * missing, not JSON (with line and column), another schema version, or the wrong shape
 * (one line per field, first few).
 */

const MAX_ISSUES = 8;

/**
 * Where a JSON text stops being JSON: the offset of the first error jsonc-parser's
 * scanner reports, with comments and trailing commas refused as JSON refuses them;
 * -1 when it finds none, or when the text nests too deep for its recursive parser.
 */
export function jsonErrorOffset(textIn: string): number {
  const errors: ParseError[] = [];
  try {
    parseJsonc(textIn, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return -1;
  }
  const first = errors.sort((a, b) => a.offset - b.offset)[0];
  if (!first) return -1;
  // A string or number the text ends inside is reported at its start; the break is where the text ends.
  const code = printParseErrorCode(first.error);
  return code === 'UnexpectedEndOfString' || code === 'UnexpectedEndOfNumber' ? first.offset + first.length : first.offset;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(textIn: string, offset: number): { line: number; column: number } {
  const before = textIn.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where a text stops being JSON, for people: "line 3, column 11". */
export function jsonErrorAt(textIn: string): string {
  const offset = jsonErrorOffset(textIn);
  if (offset < 0) return 'an unknown position';
  const { line, column } = lineColumn(textIn, offset);
  return offset >= textIn.length
    ? `line ${line}, column ${column} (the end: the file is cut short or empty)`
    : `line ${line}, column ${column}`;
}

export function parseResults(textIn: string, name: string): Results {
  let data: unknown;
  try {
    data = JSON.parse(textIn);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UserError(`${name}: not valid JSON at ${jsonErrorAt(textIn)}: ${msg.split('\n')[0]}`, 2);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new UserError(
      `${name}: not a sagabench results file (expected a JSON object, found ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data})`,
      2,
    );
  const version = (data as Record<string, unknown>).schemaVersion;
  if (version === undefined)
    throw new UserError(
      `${name}: not a sagabench results file (no schemaVersion; this sagabench reads schemaVersion ${SCHEMA_VERSION})`,
      2,
    );
  if (!(READABLE_VERSIONS as readonly unknown[]).includes(version))
    throw new UserError(
      `${name}: schemaVersion ${JSON.stringify(version)} is not supported by this sagabench (reads ${READABLE_VERSIONS.join(' and ')})`,
      2,
    );
  // An older readable version lacks only fields added as optional since: it is read as the current one.
  const parsed = resultsSchema.safeParse({ ...(data as object), schemaVersion: SCHEMA_VERSION });
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const lines = issues.slice(0, MAX_ISSUES).map((i) => `  ${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? `\n  ... and ${issues.length - MAX_ISSUES} more` : '';
    throw new UserError(`${name}: not a valid sagabench results file (schemaVersion ${SCHEMA_VERSION}):\n${lines.join('\n')}${more}`, 2);
  }
  return parsed.data;
}

/** A results file, or a folder holding one (what `bench --out` wrote). */
export function resolveResultsPath(file: string): string {
  const abs = path.resolve(file);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
    const inside = path.join(abs, 'results.json');
    if (!fs.existsSync(inside)) throw new UserError(`${file}: a folder with no results.json in it`, 2);
    return inside;
  }
  return abs;
}

export function loadResults(file: string): { path: string; results: Results } {
  const p = resolveResultsPath(file);
  let textIn: string;
  try {
    textIn = fs.readFileSync(p, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`, 2);
    if (code === 'EACCES') throw new UserError(`${file}: permission denied`, 2);
    throw new UserError(`${file}: cannot be read (${(err as Error).message})`, 2);
  }
  return { path: p, results: parseResults(textIn, file) };
}
