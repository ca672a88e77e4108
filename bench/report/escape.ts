/**
 * Everything a results file carries is untrusted (an order id or a DLQ message body
 * can hold anything): it reaches the HTML only through escapeHtml and the Markdown
 * only through escapeMarkdown.
 */
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** An href, only for https URLs (anything else is not linked). */
export function safeHref(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  return u.protocol === 'https:' ? u.href : null;
}

/** Text for a Markdown table cell: no line breaks, no HTML, no table or emphasis syntax. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
