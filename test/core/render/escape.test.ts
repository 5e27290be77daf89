import {
  asciiText,
  cleanText,
  markdownText,
  plainText,
  safeHttpUrl,
  slackCode,
  slackText,
  truncate,
  TRUNCATION_MARKER,
} from '../../../lib/core/render/escape';

const BIDI_BRANCH = 'main\u202e\u2066gnp.exe\u2069\u202c';

describe('cleanText', () => {
  it('removes bidi overrides, isolates, zero-width characters and the BOM', () => {
    expect(cleanText(BIDI_BRANCH)).toBe('maingnp.exe');
    expect(cleanText('a\u200bb\u200dc\ufeffd\u2060e\u200ef')).toBe('abcdef');
  });

  it('turns newlines and tabs into one space and drops other control characters', () => {
    expect(cleanText('line1\r\n\tline2\u0000\u001b[31m\u0085')).toBe('line1 line2[31m');
  });
});

describe('truncate', () => {
  it('keeps a value that fits unchanged', () => {
    expect(truncate('feature/x', 9)).toBe('feature/x');
  });

  it('cuts to the limit including the marker', () => {
    const out = truncate('x'.repeat(10_000), 100);
    expect(Array.from(out)).toHaveLength(100);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const out = truncate('\u{1F600}'.repeat(50), 20);
    expect(out).toBe('\u{1F600}'.repeat(20 - TRUNCATION_MARKER.length) + TRUNCATION_MARKER);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('plainText', () => {
  it('cleans then limits a 10 KB session name', () => {
    const out = plainText(`\u202e${'s'.repeat(10_240)}`, 128);
    expect(Array.from(out)).toHaveLength(128);
    expect(out.startsWith('sss')).toBe(true);
  });
});

describe('asciiText', () => {
  it('replaces non-ASCII characters and keeps the limit', () => {
    expect(asciiText('prod-déploy\u202e', 50)).toBe('prod-d?ploy');
    expect(asciiText('a'.repeat(300), 99)).toHaveLength(99);
  });
});

describe('slackText', () => {
  it('escapes Slack control characters so no mention or link can be formed', () => {
    const out = slackText('<!channel> <@U024BE7LH> <https://evil.example.com|click here>', 500);
    expect(out).not.toMatch(/[<>]/);
    expect(out).toContain('&lt;!channel&gt;');
  });

  it('breaks plain-text mentions', () => {
    const out = slackText('ping @channel and @here and @everyone', 100);
    expect(out).not.toMatch(/@(channel|here|everyone)/);
    expect(out).toContain('@\u2060channel');
  });

  it('replaces formatting characters with look-alikes', () => {
    const out = slackText('*boom* _it_ ~gone~ `code`', 100);
    expect(out).not.toMatch(/[*_~`]/);
  });

  it('defangs URL schemes', () => {
    expect(slackText('see https://evil.example.com/login', 100)).toContain(
      'hxxps[:]//evil.example.com/login',
    );
  });

  it('escapes after cutting, so an entity is never cut in half', () => {
    const out = slackText('<'.repeat(50), 20);
    expect(out).toMatch(/^(&lt;)+\.\.\.\[truncated\]$/);
  });
});

describe('slackCode', () => {
  it('renders a hostile branch name as an inert code span', () => {
    const out = slackCode('<!channel>*boom*', 256);
    expect(out).toBe('`&lt;!channel&gt;*boom*`');
  });

  it('cannot be closed early by a backtick', () => {
    const out = slackCode('a`*b*`c', 256);
    expect(out.slice(1, -1)).not.toContain('`');
    expect(out.startsWith('`') && out.endsWith('`')).toBe(true);
  });

  it('strips bidi characters and breaks mentions inside the span', () => {
    expect(slackCode(`@here ${BIDI_BRANCH}`, 256)).toBe('`@\u2060here maingnp.exe`');
  });

  it('marks an empty value instead of rendering an empty span', () => {
    expect(slackCode('\u200b', 10)).toBe('_(empty)_');
  });
});

describe('markdownText', () => {
  it('backslash-escapes formatting and link syntax and encodes HTML', () => {
    const out = markdownText('[click](javascript:alert(1)) *x* <img src=x> @alice', 200);
    expect(out).toBe('\\[click\\]\\(javascript:alert\\(1\\)\\) \\*x\\* &lt;img src=x&gt; @\u2060alice');
  });
});

describe('safeHttpUrl', () => {
  it('accepts a GitLab pipeline URL', () => {
    const url = 'https://gitlab.com/acme/deploy/-/pipelines/1234567890';
    expect(safeHttpUrl(url)).toBe(url);
  });

  it('refuses URLs that could break link syntax or run script', () => {
    expect(safeHttpUrl('https://gitlab.com/a|<!channel>')).toBeNull();
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('https://gitlab.com/a b')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});
