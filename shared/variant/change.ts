import fs from 'node:fs';
import path from 'node:path';

/**
 * Anchored text edits for the change-impact scripts. Every edit names a piece of
 * the current code that must occur EXACTLY once; when the code moves on and an
 * anchor is gone (or ambiguous) the edit throws, so the experiment breaks
 * visibly instead of counting a change that was never made.
 */
export class AnchorError extends Error {
  readonly file: string;
  readonly anchor: string;
  readonly occurrences: number;
  constructor(file: string, anchor: string, occurrences: number) {
    super(
      `change-impact anchor ${occurrences === 0 ? 'not found' : `found ${occurrences} times (must be unique)`} in ${file}: ` +
        `${JSON.stringify(anchor.length > 120 ? `${anchor.slice(0, 117)}...` : anchor)}. ` +
        "The code changed under the change script: update the variant's harness/change.ts (or shared/variant/fraud-change.ts).",
    );
    this.file = file;
    this.anchor = anchor;
    this.occurrences = occurrences;
    this.name = 'AnchorError';
  }
}

export class Tree {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  private abs(rel: string): string {
    return path.join(this.root, rel);
  }

  read(rel: string): string {
    const file = this.abs(rel);
    if (!fs.existsSync(file)) throw new AnchorError(rel, '(the file itself)', 0);
    return fs.readFileSync(file, 'utf8');
  }

  /** A new file; refuses to overwrite one (the change would then be a different change). */
  create(rel: string, text: string): void {
    if (fs.existsSync(this.abs(rel))) throw new Error(`change-impact: ${rel} already exists; the change script expected to create it`);
    fs.mkdirSync(path.dirname(this.abs(rel)), { recursive: true });
    fs.writeFileSync(this.abs(rel), text);
  }

  replace(rel: string, anchor: string, replacement: string): void {
    const text = this.read(rel);
    const occurrences = text.split(anchor).length - 1;
    if (occurrences !== 1) throw new AnchorError(rel, anchor, occurrences);
    fs.writeFileSync(
      this.abs(rel),
      text.replace(anchor, () => replacement),
    );
  }

  insertAfter(rel: string, anchor: string, text: string): void {
    this.replace(rel, anchor, anchor + text);
  }

  insertBefore(rel: string, anchor: string, text: string): void {
    this.replace(rel, anchor, text + anchor);
  }
}

export interface ChangeScript {
  variant: string;
  summary: string;
  apply(tree: Tree): void;
}
