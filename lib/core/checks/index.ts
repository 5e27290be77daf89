/**
 * The check registry: every detection, in the order findings are reported. Each file holds one check with its
 * metadata (id = finding code, title, description, severity, class, runbook, reference) beside its logic.
 */
import type { FindingCode } from '../verdict';
import type { Check } from './check';
import { check as assumeRoleFailed } from './assume-role-failed';
import { check as audienceNotAllowed } from './audience-not-allowed';
import { check as checksIncomplete } from './checks-incomplete';
import { check as gitlabUnavailable } from './gitlab-unavailable';
import { check as pipelineNotFound } from './pipeline-not-found';
import { check as pipelineSourceNotAllowed } from './pipeline-source-not-allowed';
import { check as projectIdMismatch } from './project-id-mismatch';
import { check as projectNotAllowed } from './project-not-allowed';
import { check as refNotAllowed } from './ref-not-allowed';
import { check as refTypeNotAllowed } from './ref-type-not-allowed';
import { check as refTypeUnknown } from './ref-type-unknown';
import { check as sessionNameMismatch } from './session-name-mismatch';
import { check as sessionNameUnparsed } from './session-name-unparsed';
import { check as subjectUnparsed } from './subject-unparsed';
import { check as unprotectedRef } from './unprotected-ref';
import { check as untrustedIssuer } from './untrusted-issuer';
// ---- provenance (issue 8) ----
import { check as candidatesOverBudget } from './candidates-over-budget';
import { check as downstreamNotAllowed } from './downstream-not-allowed';
import { check as environmentNotAllowed } from './environment-not-allowed';
import { check as environmentNotProtected } from './environment-not-protected';
import { check as jobFactsUnverified } from './job-facts-unverified';
import { check as noMintingPipeline } from './no-minting-pipeline';
import { check as runnerNotAllowed } from './runner-not-allowed';
import { check as subjectConflict } from './subject-conflict';
import { check as tokenUsedAfterJob } from './token-used-after-job';
import { check as upstreamNotAllowed } from './upstream-not-allowed';
import { check as upstreamUnresolved } from './upstream-unresolved';

export type { Check, CheckContext, Fact, GitLabFacts } from './check';

export const CHECKS: readonly Check[] = [
  untrustedIssuer,
  assumeRoleFailed,
  audienceNotAllowed,
  subjectUnparsed,
  projectIdMismatch,
  projectNotAllowed,
  refTypeNotAllowed,
  refTypeUnknown,
  unprotectedRef,
  refNotAllowed,
  sessionNameMismatch,
  pipelineNotFound,
  pipelineSourceNotAllowed,
  // ---- provenance (issue 8) ----
  subjectConflict,
  noMintingPipeline,
  tokenUsedAfterJob,
  downstreamNotAllowed,
  upstreamNotAllowed,
  environmentNotAllowed,
  environmentNotProtected,
  runnerNotAllowed,
  candidatesOverBudget,
  upstreamUnresolved,
  jobFactsUnverified,
  sessionNameUnparsed,
  gitlabUnavailable,
];

/** Run only when CHECKS found nothing on a production role; see checks-incomplete.ts. */
export const SAFETY_NET: Check = checksIncomplete;

/** Every check by finding code, for renderers that show the runbook of a finding. */
export const CHECKS_BY_CODE: ReadonlyMap<FindingCode, Check> = new Map(
  [...CHECKS, SAFETY_NET].map((c) => [c.id, c]),
);
