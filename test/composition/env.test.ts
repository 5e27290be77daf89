import * as z from 'zod';
import { jsonEnv } from '../../lib/composition';
import { EnvironmentError } from '../../lib/core/errors';

describe('jsonEnv', () => {
  it('keeps the JSON parser error as the cause of the EnvironmentError it throws', () => {
    const thrown = (() => {
      try {
        return jsonEnv('SECRETS', z.record(z.string(), z.string()), { SECRETS: '{not json' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(EnvironmentError);
    expect(thrown).toMatchObject({ variable: 'SECRETS', cause: expect.any(SyntaxError) });
  });
});
