import { GitLabUnavailableError } from './errors';
import type { Lookup } from './gitlab-port';

/** Runs a port call; a thrown GitLabUnavailableError is the `unavailable` outcome, anything else is a bug and propagates. */
export async function lookup<T>(call: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof GitLabUnavailableError) return { status: 'unavailable', detail: e.message };
    throw e;
  }
}
