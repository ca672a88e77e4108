import fs from 'node:fs';

/**
 * Replaces `file` in one rename: a reader (or a Ctrl-C, or a crash) never sees
 * half a file. The temporary name carries the pid, so two writers never share it;
 * a write that fails (a full disk) leaves no temporary file behind.
 */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
