/**
 * The scheduled trust-policy audit: list the roles of every configured account (live IAM), audit them with the
 * same core as `oidc-watch audit`, write the report to the decision-log bucket, publish only new or changed
 * findings to the alert topic, then store the new state. Publishing comes before the state write, so a failed run
 * republishes rather than loses. Accounts that could not be read make the run fail (after the report and the
 * publications), so the errors alarm fires: "could not tell" is never "nothing found".
 *
 * With deployment.securityHub on, every finding of the run is also imported into Security Hub (one ASFF finding per
 * role and code, lib/core/trust-policy/asff.ts) after the alerts, and those of the last run that are gone are
 * archived (only when every account was read). An import failure is logged, the state is still stored (the alerts
 * went out), and the run fails so the errors alarm fires; the next run imports the current findings again.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  publishAuditNews,
  readAuditState,
  writeAuditReport,
  writeAuditState,
} from '../../lib/adapters/audit-store';
import type { SecurityFindingSink } from '../../lib/adapters/security-hub';
import { buildAuditor, type Auditor } from '../../lib/composition';
import { contextFromProductArn } from '../../lib/core/asff';
import type { Config } from '../../lib/core/config';
import { OidcWatchError } from '../../lib/core/errors';
import type { Logger } from '../../lib/core/logger';
import type { RoleReport } from '../../lib/core/trust-policy/audit';
import { auditToAsff } from '../../lib/core/trust-policy/asff';
import { reportJson } from '../../lib/core/trust-policy/report-json';
import { runAudit } from '../../lib/core/trust-policy/run';
import type { RoleSource } from '../../lib/core/trust-policy/source';
import { diffAudit, type AuditState } from '../../lib/core/trust-policy/state';
import type { AuditSettings } from './settings';

/** Some accounts or roles could not be audited this run. */
export class AuditIncompleteError extends OidcWatchError {}

export interface AuditRunSummary {
  readonly roles: number;
  readonly audited: number;
  readonly exposed: number;
  readonly published: number;
  /** Findings imported into Security Hub (active and archived); 0 when the export is off. */
  readonly exported: number;
  readonly errors: number;
  readonly reportKey: string;
}

export interface AuditHandlerDeps {
  readonly config: Config;
  readonly settings: AuditSettings;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  /** The live role source for this run (accounts from the config or the organization). */
  readonly roles: () => Promise<RoleSource>;
  readonly readSecret: (id: string) => Promise<string>;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Only when deployment.securityHub is enabled (settings.securityHubProductArn set). */
  readonly securityHub?: SecurityFindingSink;
}

/** The auditor with the stack's token secrets, each GitLab lookup kept inside the function's budget. */
export function stackAuditor(deps: AuditHandlerDeps): Promise<Auditor> {
  return buildAuditor(deps.config, {
    env: deps.env,
    readSecret: deps.readSecret,
    secretOverrides: deps.settings.gitLabTokenSecrets,
    lookupBudgetMs: deps.settings.gitLabLookupBudgetMs,
    logger: deps.logger,
    cache: true,
  });
}

export function createAuditHandler(deps: AuditHandlerDeps): () => Promise<AuditRunSummary> {
  const store = { bucket: deps.settings.bucket, prefix: deps.settings.prefix };
  return async () => {
    const at = (deps.now ?? (() => new Date()))();
    const auditor = await stackAuditor(deps);
    const reports: RoleReport[] = [];
    const problems: string[] = [];
    const counts = await runAudit(await deps.roles(), auditor.deps, {
      onOutcome: (o) => {
        if (o.kind === 'audited') reports.push(o.report);
        else if (o.kind === 'error') problems.push(o.message);
      },
      onSourceError: (source, message) => problems.push(`${source}: ${message}`),
    });
    const reportKey = await writeAuditReport(
      deps.s3,
      store,
      at,
      reports.map((r) => `${reportJson(r)}\n`),
    );
    const previous = await readAuditState(deps.s3, store);
    const diff = diffAudit(previous, reports);
    await publishAuditNews(deps.sns, deps.settings.alertTopicArn, diff.news);
    const exported = await exportFindings(deps, reports, previous, {
      at: at.toISOString(),
      archiveVanished: problems.length === 0,
    });
    if (exported.error !== undefined) problems.push(exported.error);
    await writeAuditState(deps.s3, store, diff.next);
    const summary: AuditRunSummary = {
      roles: counts.roles,
      audited: counts.audited,
      exposed: counts.exposed,
      published: diff.news.length,
      exported: exported.count,
      errors: counts.errors,
      reportKey,
    };
    deps.logger.info({ ...summary, gitlabRequests: auditor.gitlabRequests() }, 'trust-policy audit finished');
    if (problems.length > 0) {
      for (const p of problems) deps.logger.error({ problem: p }, 'audit incomplete');
      throw new AuditIncompleteError(
        `${problems.length} account(s), role(s) or export(s) failed: ${problems[0] ?? ''}`,
      );
    }
    return summary;
  };
}

/** The Security Hub export of the run: never throws (the alerts went out; the state must still be stored). */
async function exportFindings(
  deps: AuditHandlerDeps,
  reports: readonly RoleReport[],
  previous: AuditState,
  options: { readonly at: string; readonly archiveVanished: boolean },
): Promise<{ readonly count: number; readonly error?: string }> {
  const productArn = deps.settings.securityHubProductArn;
  if (deps.securityHub === undefined || productArn === undefined) return { count: 0 };
  try {
    const findings = auditToAsff(reports, previous, options, contextFromProductArn(productArn));
    await deps.securityHub.importFindings(findings);
    return { count: findings.length };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    deps.logger.error({ error: message }, 'audit findings not exported to Security Hub');
    return { count: 0, error: `Security Hub export: ${message}` };
  }
}
