/**
 * A JSON document held whole: a single record or EventBridge event (pretty-printed or not), or anything that is not
 * a log file. Log files and arrays of records are read by the streaming reader (document.ts) instead.
 */
import { JsonScanError, skipValue, skipWhitespace } from '../files-json-scan';
import { errorItem, type Item, LBRACE, LBRACKET, parseJson, type SkipCounter, valueItems } from './items';

export function* wholeDocumentItems(buf: Buffer, source: string, skips: SkipCounter): Generator<Item> {
  const start = skipWhitespace(buf, 0, buf.length);
  if (start >= buf.length) {
    yield errorItem('empty input (no JSON value)', source);
    return;
  }
  const first = buf[start];
  if (first !== LBRACE && first !== LBRACKET) {
    yield errorItem('not a JSON object or array', source);
    return;
  }
  let end: number;
  try {
    end = skipValue(buf, start, buf.length);
  } catch (e) {
    if (!(e instanceof JsonScanError)) throw e;
    yield errorItem(`malformed JSON: ${e.message}`, source, undefined, e);
    return;
  }
  const parsed = parseJson(buf, start, end);
  if (!parsed.ok) yield errorItem(parsed.message, source);
  else yield* valueItems(parsed.value, source, 1, skips, false);
  const rest = skipWhitespace(buf, end, buf.length);
  if (rest < buf.length) yield errorItem(`unexpected content after the JSON value at byte ${rest}`, source);
}
