/**
 * Text that reaches Slack from incidents: alert labels, summaries, pod names and dry-run diffs are the
 * sender's words (an alert is a claim, docs/security/alerts.md), so everything is escaped before it is
 * put in mrkdwn, and cut to what Slack's blocks hold.
 *
 * Slack's rule (docs.slack.dev "Formatting text for app surfaces", Escaping text): `&`, `<` and `>`
 * are control characters of mrkdwn and must be written `&amp;`, `&lt;` and `&gt;`. Escaping them is
 * what keeps `<!channel>`, `<@U123>` and `<https://evil|click>` in an alert label from pinging a
 * channel, mentioning a person or hiding a link. Hand-written: the escaping is three replacements;
 * the Slack SDKs ship no helper for it.
 *
 * Limits (Block Kit reference): a section's text holds 3000 characters, a header's plain text 150, a
 * button's text 75 and its value 2000; a message holds 50 blocks.
 */

export const SECTION_TEXT_LIMIT = 3000;
export const HEADER_TEXT_LIMIT = 150;
export const BUTTON_TEXT_LIMIT = 75;
export const BUTTON_VALUE_LIMIT = 2000;
export const BLOCKS_PER_MESSAGE = 50;
/** Fallback `text` of a message (notifications, screen readers): Slack truncates past 40 000; keep it short. */
export const FALLBACK_TEXT_LIMIT = 3000;

/** `&`, `<`, `>` as Slack's entities: nothing in the text can become a mention, a link or a command. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped, and without a run of three backticks that would close the code block it is put in. */
export function escapeCode(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, '`\u200b`\u200b`');
}

/** Escaped, inline: no backticks (they would end the inline code), no line breaks. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** Cuts `text` to `max` characters, ending with an ellipsis when it was longer (for plain_text fields). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}\u2026`;
}

/** Where an escaped text may be cut: not inside an entity (`&amp;`), not between surrogates. */
function safeCut(text: string, at: number): number {
  let end = at;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp >= 0 && amp > end - 6 && !text.slice(amp, end).includes(';')) end = amp;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return end > 0 ? end : at;
}

/**
 * Splits already-escaped mrkdwn into pieces of at most `limit` characters, at line breaks where it
 * can, never inside an entity. `wrap` is the room each piece needs around it (a code block's fences).
 */
export function splitText(text: string, limit = SECTION_TEXT_LIMIT, wrap = 0): string[] {
  const room = limit - wrap;
  if (room <= 0) throw new RangeError(`no room for text in ${limit} characters with ${wrap} of wrapping`);
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current) pieces.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= room) {
      current = candidate;
      continue;
    }
    flush();
    let rest = line;
    while (rest.length > room) {
      const end = safeCut(rest, room);
      pieces.push(rest.slice(0, end));
      rest = rest.slice(end);
    }
    current = rest;
  }
  flush();
  return pieces.length ? pieces : [''];
}
