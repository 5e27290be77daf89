import { InputError, type OidcWatchError } from '../../lib/core/errors';

/** One line for an error, naming the file and record for input errors, without repeating a prefix it already has. */
export function describeError(e: OidcWatchError): string {
  if (e instanceof InputError) {
    const where = e.record === undefined ? e.source : `${e.source}: record ${e.record}`;
    return e.message.startsWith(e.source) ? e.message : `${where}: ${e.message}`;
  }
  return e.message;
}
