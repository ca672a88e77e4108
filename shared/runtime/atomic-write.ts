import fs from 'node:fs';

/**
 * Replaces `file` in one rename: a reader (or a Ctrl-C, or a crash) never sees
 * half a file. The temporary name carries the pid, so two writers never share it.
 */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
