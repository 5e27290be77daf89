/**
 * Security Hub CSPM export: BatchImportFindings in batches of at most 100 findings (the API's limit), and an
 * AlertPublisher decorator that exports each published verdict after the primary publisher (SNS) succeeded.
 *
 * The export is secondary on purpose: a Security Hub failure is logged and counted, never thrown, because throwing
 * would make Lambda retry the event and send the SNS alert a second time. The finding Id is stable per event
 * (lib/core/asff.ts), so the next evaluation of the same event repairs a missed import.
 * See: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html
 */
import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type AsffContext, type AsffFinding, verdictToAsff } from '../core/asff';
import { PublishError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertMessage, AlertSender } from '../core/ports';

export const BATCH_IMPORT_LIMIT = 100;

export interface SecurityFindingSink {
  /** Imports findings; throws PublishError naming the findings Security Hub refused. */
  importFindings(findings: readonly AsffFinding[]): Promise<void>;
}

export function createSecurityHubSink(client: SecurityHubClient): SecurityFindingSink {
  return {
    async importFindings(findings) {
      for (let start = 0; start < findings.length; start += BATCH_IMPORT_LIMIT) {
        const batch = findings.slice(start, start + BATCH_IMPORT_LIMIT);
        let result;
        try {
          result = await client.send(new BatchImportFindingsCommand({ Findings: [...batch] }));
        } catch (cause) {
          const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
          throw new PublishError(`Security Hub BatchImportFindings failed: ${detail}`, { cause });
        }
        const failed = result.FailedFindings ?? [];
        if ((result.FailedCount ?? failed.length) > 0) {
          const reasons = failed.map((f) =>
            `${f.Id ?? '?'}: ${f.ErrorCode ?? '?'} ${f.ErrorMessage ?? ''}`.trim(),
          );
          throw new PublishError(`Security Hub refused ${failed.length} finding(s): ${reasons.join('; ')}`);
        }
      }
    },
  };
}

export interface FindingExportOptions {
  readonly sink: SecurityFindingSink;
  readonly context: AsffContext;
  readonly logger: Pick<Logger, 'error'>;
  /** Counts a failed export (metric `SecurityHubExportFailures`). */
  readonly onFailure: () => void;
}

/**
 * Sends through `primary` (SNS), then imports the verdict as a finding: every message responders get (first alert or
 * update) updates the one finding of the event. An update that resolves the event (ok, ignored) archives it.
 * An export failure never fails the send.
 */
export function withSecurityHubExport(primary: AlertSender, options: FindingExportOptions): AlertSender {
  return {
    async send(message) {
      const messageId = await primary.send(message);
      const finding = findingFor(message, options.context);
      if (finding === null) return messageId;
      try {
        await options.sink.importFindings([finding]);
      } catch (error) {
        options.onFailure();
        options.logger.error(
          { eventId: message.verdict.eventId, error: error instanceof Error ? error.message : String(error) },
          'verdict not exported to Security Hub; the alert was published',
        );
      }
      return messageId;
    },
  };
}

/** Alert and unverified verdicts as ACTIVE findings; a later ok/ignored update archives the earlier finding. */
function findingFor(message: AlertMessage, context: AsffContext): AsffFinding | null {
  const active = verdictToAsff(message.verdict, context);
  if (active !== null || message.publication.previous === null) return active;
  const previous = verdictToAsff(
    { ...message.verdict, verdict: message.publication.previous.verdict },
    context,
  );
  return previous === null ? null : { ...previous, RecordState: 'ARCHIVED' };
}
