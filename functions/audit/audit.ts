/**
 * The scheduled trust-policy audit: list the roles of every configured account (live IAM), audit them with the
 * same core as `oidc-watch audit`, write the report to the decision-log bucket, publish only new or changed
 * findings to the alert topic, then store the new state. Publishing comes before the state write, so a failed run
 * republishes rather than loses. Accounts that could not be read make the run fail (after the report and the
 * publications), so the errors alarm fires: "could not tell" is never "nothing found".
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  publishAuditNews,
  readAuditState,
  writeAuditReport,
  writeAuditState,
} from '../../lib/adapters/audit-store';
import { buildAuditor, type Auditor } from '../../lib/composition';
import type { Config } from '../../lib/core/config';
import { OidcWatchError } from '../../lib/core/errors';
import type { Logger } from '../../lib/core/logger';
import type { RoleReport } from '../../lib/core/trust-policy/audit';
import { reportJson } from '../../lib/core/trust-policy/report-json';
import { runAudit } from '../../lib/core/trust-policy/run';
import type { RoleSource } from '../../lib/core/trust-policy/source';
import { diffAudit } from '../../lib/core/trust-policy/state';
import type { AuditSettings } from './settings';

/** Some accounts or roles could not be audited this run. */
export class AuditIncompleteError extends OidcWatchError {}

export interface AuditRunSummary {
  readonly roles: number;
  readonly audited: number;
  readonly exposed: number;
  readonly published: number;
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
    const diff = diffAudit(await readAuditState(deps.s3, store), reports);
    await publishAuditNews(deps.sns, deps.settings.alertTopicArn, diff.news);
    await writeAuditState(deps.s3, store, diff.next);
    const summary: AuditRunSummary = {
      roles: counts.roles,
      audited: counts.audited,
      exposed: counts.exposed,
      published: diff.news.length,
      errors: counts.errors,
      reportKey,
    };
    deps.logger.info({ ...summary, gitlabRequests: auditor.gitlabRequests() }, 'trust-policy audit finished');
    if (problems.length > 0) {
      for (const p of problems) deps.logger.error({ problem: p }, 'audit incomplete');
      throw new AuditIncompleteError(
        `${problems.length} account(s) or role(s) could not be audited: ${problems[0] ?? ''}`,
      );
    }
    return summary;
  };
}
