import { describeError, errorMessage, InputError } from '../../lib/core/errors';
import { recordToItem } from '../../lib/core/source';
import { makeWebIdentityRecord } from '../support/fixtures';

describe('recordToItem', () => {
  it('turns a web-identity record into an assumption item', () => {
    const item = recordToItem(makeWebIdentityRecord({ eventId: 'e-1' }), 'file.json', 3);
    expect(item).toMatchObject({ kind: 'assumption', source: 'file.json', record: 3 });
  });

  it('counts another event as one skipped record', () => {
    const record = { ...makeWebIdentityRecord(), eventName: 'AssumeRole' };
    expect(recordToItem(record, 'file.json', 1)).toEqual({
      kind: 'skipped',
      eventName: 'AssumeRole',
      source: 'file.json',
      count: 1,
    });
  });

  it('reports an unreadable record as an error item naming the record, or not when numbered is false', () => {
    const numbered = recordToItem({ eventName: 42 }, 'file.json', 7);
    const single = recordToItem({ eventName: 42 }, 'file.json', 1, { numbered: false });
    expect(numbered).toMatchObject({ kind: 'error', error: expect.any(InputError) });
    expect(numbered.kind === 'error' && numbered.error.record).toBe(7);
    expect(single.kind === 'error' && single.error.record).toBeUndefined();
  });
});

describe('describeError and errorMessage', () => {
  it('name the error class and message, and fall back to the value as text', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(errorMessage(new TypeError('bad'))).toBe('bad');
    expect(describeError('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });
});
