/**
 * Escaping for the places an alert lands. Pure. Every string an attacker can choose (ref and tag names, session
 * names, usernames, the token's sub, user agents, pipeline sources) goes through one of these before it is rendered.
 *
 * Order matters everywhere: clean (drop invisible and control characters), then cut to length on code points,
 * then escape for the medium, so that a cut never splits an entity or a surrogate pair.
 */

/** Appended when a value is cut. ASCII so that it survives every medium, including the SNS subject. */
export const TRUNCATION_MARKER = '...[truncated]';

// C0 and C1 control characters (tab, newline and carriage return included: every value here is rendered on one line).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Bidirectional embeddings, overrides and isolates (the "Trojan Source" characters, CVE-2021-42574), the implicit
 * direction marks, zero-width characters, the word joiner, the BOM and the line/paragraph separators.
 * See: https://trojansource.codes/
 */
const INVISIBLE = /[\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Removes control and invisible characters; newlines and tabs become one space. */
export function cleanText(value: string): string {
  return value
    .replace(/[\t\n\r]+/g, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '');
}

/**
 * Cuts `value` to at most `max` code points including the marker. Never splits a surrogate pair.
 * `max` smaller than the marker gives a hard cut without marker.
 */
export function truncate(value: string, max: number, marker: string = TRUNCATION_MARKER): string {
  const points = Array.from(value);
  if (points.length <= max) return value;
  if (max <= marker.length) return points.slice(0, Math.max(0, max)).join('');
  return points.slice(0, max - marker.length).join('') + marker;
}

/** Plain text (email body, logs shown to people): cleaned and length-limited. */
export function plainText(value: string, max: number): string {
  return truncate(cleanText(value), max);
}

/**
 * ASCII only, printable (SNS subjects, message attribute values that filter policies match on).
 * Non-ASCII characters become `?`.
 */
export function asciiText(value: string, max: number): string {
  return truncate(cleanText(value).replace(/[^\x20-\x7e]/g, '?'), max);
}

const SLACK_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Slack's three control characters. After this no `<...>` sequence survives, so no `<!channel>`, `<@U123>`,
 * `<#C123>` or `<https://evil|innocent text>` link can be formed.
 * See: https://api.slack.com/reference/surfaces/formatting#escaping
 */
function slackEntities(value: string): string {
  return value.replace(/[&<>]/g, (c) => SLACK_ENTITIES[c] ?? c);
}

/**
 * Plain-text mentions (`@channel`, `@here`, `@everyone`) are only parsed at a word start followed directly by the
 * keyword: a word joiner after the `@` keeps the text readable and makes the mention inert.
 */
function breakMentions(value: string): string {
  return value.replace(/@(?=(channel|here|everyone|group)\b)/gi, '@\u2060');
}

/** Look-alikes for mrkdwn's formatting characters, which Slack cannot escape. */
const SLACK_FORMATTING: Readonly<Record<string, string>> = {
  '*': '\u2217', // ASTERISK OPERATOR
  _: '\uff3f', // FULLWIDTH LOW LINE
  '~': '\u223c', // TILDE OPERATOR
  '`': '\u02cb', // MODIFIER LETTER GRAVE ACCENT
};

/**
 * Defangs URL schemes so that Slack and mail clients do not turn attacker text into a clickable link
 * (the security-tooling convention: `hxxps://`).
 */
function defangSchemes(value: string): string {
  return value.replace(/\b(h)tt(ps?):\/\//gi, (_m, h: string, s: string) => `${h}xx${s}[:]//`);
}

/**
 * Slack mrkdwn running text: cleaned, cut, entities escaped, mentions broken, formatting characters replaced by
 * look-alikes, URL schemes defanged. Use for prose that embeds attacker strings (finding messages).
 */
export function slackText(value: string, max: number): string {
  const cut = truncate(cleanText(value), max);
  return defangSchemes(breakMentions(slackEntities(cut))).replace(/[*_~`]/g, (c) => SLACK_FORMATTING[c] ?? c);
}

/**
 * Slack mrkdwn inline code span around one attacker-controlled value (`ref`, session name...). Inside a code span
 * Slack renders `*`, `_` and `~` literally and does not auto-link, so the value reads exactly as it is; the only
 * character that could close the span, the backtick, becomes a look-alike. An empty value renders as `(empty)`.
 */
export function slackCode(value: string, max: number): string {
  const cut = truncate(cleanText(value), max);
  if (cut.length === 0) return '_(empty)_';
  const body = breakMentions(slackEntities(cut)).replace(/`/g, SLACK_FORMATTING['`'] ?? "'");
  return `\`${body}\``;
}

/** Characters CommonMark treats as punctuation that can be backslash-escaped. */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~>]/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * CommonMark / GitHub-flavoured Markdown text: backslash-escapes every punctuation character that can start
 * formatting or a link, encodes HTML-significant characters as entities (no raw HTML, no autolinks), breaks
 * `@mentions` and defangs URL schemes.
 * See: https://spec.commonmark.org/0.31.2/#backslash-escapes
 */
export function markdownText(value: string, max: number): string {
  const cut = truncate(cleanText(value), max);
  const escaped = defangSchemes(cut)
    .replace(/[&<>"]/g, (c) => HTML_ENTITIES[c] ?? c)
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
  return escaped.replace(/@(?=[A-Za-z0-9])/g, '@\u2060');
}

/**
 * A URL is rendered as a link only if it is an absolute http(s) URL made of URL-safe characters: anything else
 * (a `|` or `>` that would break Slack's `<url|label>` syntax, spaces, quotes) is shown as text instead.
 */
export function safeHttpUrl(value: string | null, max = 2048): string | null {
  if (value === null || value.length > max) return null;
  if (!/^https?:\/\/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$/.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch (cause) {
    if (cause instanceof TypeError) return null;
    throw cause;
  }
}
