import {
  JsonScanError,
  findObjectKey,
  forEachArrayElement,
  skipObjectRest,
  skipString,
  skipValue,
  skipWhitespace,
} from '../../lib/sources/files-json-scan';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function elements(text: string): string[] {
  const buf = bytes(text);
  const out: string[] = [];
  const start = skipWhitespace(buf, 0, buf.length);
  forEachArrayElement(buf, start, buf.length, (from, to) => out.push(buf.toString('utf8', from, to)));
  return out;
}

describe('skipString', () => {
  it.each([
    ['"plain" rest', 7],
    ['"escaped \\" quote" rest', 18],
    ['"ends with backslash \\\\" rest', 24],
    ['"unicode é \\u00e9" rest', 19],
  ])('finds the end of %p', (text, end) => {
    expect(skipString(bytes(text), 0, Buffer.byteLength(text))).toBe(end);
  });

  it('throws on an unterminated string', () => {
    expect(() => skipString(bytes('"open \\"'), 0, 8)).toThrow(JsonScanError);
  });
});

describe('skipValue', () => {
  it('skips nested objects and arrays with brackets inside strings', () => {
    const text = '{"a":[1,{"b":"}]"}],"c":"[{"} tail';
    expect(skipValue(bytes(text), 0, text.length)).toBe(text.indexOf(' tail'));
  });

  it.each([['123,'], ['true}'], ['null]'], ['-1.5e3 ']])('skips the scalar at the start of %p', (text) => {
    expect(skipValue(bytes(text), 0, text.length)).toBe(text.length - 1);
  });

  it.each([['{"a":[1}'], ['{"a":1'], ['[1,2'], ['{"a":"x}']])(
    'throws on malformed or truncated %p',
    (text) => {
      expect(() => skipValue(bytes(text), 0, text.length)).toThrow(JsonScanError);
    },
  );
});

describe('forEachArrayElement', () => {
  it('yields the exact byte range of each element', () => {
    expect(elements(' [ {"a":1} , "x,y" ,[2,3],null ] ')).toEqual(['{"a":1}', '"x,y"', '[2,3]', 'null']);
  });

  it('handles an empty array', () => {
    expect(elements('[ ]')).toEqual([]);
  });

  it('throws when elements are not separated by commas', () => {
    expect(() => elements('[{"a":1} {"b":2}]')).toThrow("expected ',' or ']'");
  });
});

describe('findObjectKey', () => {
  it('finds a top-level key, not the same key nested deeper', () => {
    const text = '{"x":{"Records":1},"Records" : [1]}';
    const at = findObjectKey(bytes(text), 0, text.length, 'Records');
    expect(text.slice(at)).toBe('[1]}');
  });

  it('returns -1 when the object has no such key', () => {
    const text = '{"eventName":"Records","x":{}}';
    expect(findObjectKey(bytes(text), 0, text.length, 'Records')).toBe(-1);
  });
});

describe('skipObjectRest', () => {
  it('skips the members after a value and returns the end of the object', () => {
    const text = '{"Records":[],"extra":{"a":[1]}} ';
    expect(skipObjectRest(bytes(text), text.indexOf(','), text.length)).toBe(text.length - 1);
  });

  it('throws on an unterminated object', () => {
    const text = '{"Records":[],"extra":1';
    expect(() => skipObjectRest(bytes(text), text.indexOf(','), text.length)).toThrow('unterminated object');
  });
});

describe('skipWhitespace', () => {
  it('skips a UTF-8 byte order mark and whitespace', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(' \r\n\t{')]);
    expect(skipWhitespace(buf, 0, buf.length)).toBe(buf.length - 1);
  });
});
