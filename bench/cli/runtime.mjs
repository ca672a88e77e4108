// Plain JavaScript, loaded before any TypeScript: it must run on any Node, old ones included,
// so that an old runtime gets a sentence instead of a syntax or loader error.

export const MIN_NODE = [22, 18];

/** Why this Node cannot run sagabench, or null when it can. */
export function runtimeProblem(version) {
  const [major = 0, minor = 0] = String(version).replace(/^v/, '').split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return null;
  return (
    `Node ${version} is too old: sagabench needs Node ${MIN_NODE.join('.')} or newer and is tested on Node 24 LTS. ` +
    'Start it through npm (`npx sagabench …`, `npm test`): npm puts the Node 24 that `npm ci` installed ' +
    '(node_modules/.bin/node, Linux x64 and arm64) first on PATH. Elsewhere, install Node 22 or newer.'
  );
}
