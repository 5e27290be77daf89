/**
 * Audits every role of a role source with bounded concurrency, reporting outcomes in source order (so output is
 * stable across runs). A role whose audit throws is an error outcome for that role, never a silent skip.
 */
import {
  auditRole,
  countOutcome,
  emptyAuditCounts,
  type AuditCounts,
  type AuditDeps,
  type RoleOutcome,
} from './audit';
import type { RoleSource } from './source';

export interface AuditHandlers {
  onOutcome(outcome: RoleOutcome): void | Promise<void>;
  /** A source-level error (an account or a file that could not be read). */
  onSourceError(source: string, message: string): void;
}

export async function runAudit(
  source: RoleSource,
  deps: AuditDeps,
  handlers: AuditHandlers,
  concurrency = 8,
): Promise<AuditCounts> {
  const counts = emptyAuditCounts();
  const window: Promise<RoleOutcome>[] = [];
  const emit = async (outcome: RoleOutcome): Promise<void> => {
    countOutcome(counts, outcome);
    await handlers.onOutcome(outcome);
  };
  try {
    for await (const item of source) {
      if (item.kind === 'error') {
        counts.errors += 1;
        handlers.onSourceError(item.source, item.message);
        continue;
      }
      const role = item.role;
      window.push(
        auditRole(role, deps).catch((e: unknown): RoleOutcome => ({
          kind: 'error',
          role,
          message: `${role.source}: ${role.arn}: audit failed: ${e instanceof Error ? e.message : String(e)}`,
        })),
      );
      if (window.length >= concurrency) {
        const head = window.shift();
        if (head) await emit(await head);
      }
    }
  } finally {
    for (let head = window.shift(); head; head = window.shift()) await emit(await head);
  }
  return counts;
}
