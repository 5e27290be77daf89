export type VerdictKind = 'alert' | 'unverified' | 'ok' | 'ignored';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Stable finding codes. Never rename one: alert routing and Athena queries depend on them. */
export const FINDING_CODES = [
  'UNPROTECTED_REF',
  'REF_NOT_ALLOWED',
  'REF_TYPE_NOT_ALLOWED',
  'PIPELINE_SOURCE_NOT_ALLOWED',
  'SESSION_NAME_MISMATCH',
  'SESSION_NAME_UNPARSED',
  'PIPELINE_NOT_FOUND',
  'PROJECT_ID_MISMATCH',
  'PROJECT_NOT_ALLOWED',
  'UNTRUSTED_ISSUER',
  'AUDIENCE_NOT_ALLOWED',
  'ASSUME_ROLE_FAILED',
  'SUBJECT_UNPARSED',
  'GITLAB_UNAVAILABLE',
  /** The sub carries no ref_type and GitLab's pipeline record could not supply it (unverified). */
  'REF_TYPE_UNKNOWN',
  /** Safety net: a production-role check ended without a conclusion and without another finding (unverified). */
  'CHECKS_INCOMPLETE',
  // ---- provenance (issue 8) ----
  'NO_MINTING_PIPELINE',
  'TOKEN_USED_AFTER_JOB',
  'CANDIDATES_OVER_BUDGET',
  'DOWNSTREAM_NOT_ALLOWED',
  'UPSTREAM_NOT_ALLOWED',
  'UPSTREAM_UNRESOLVED',
  'ENVIRONMENT_NOT_ALLOWED',
  'ENVIRONMENT_NOT_PROTECTED',
  'RUNNER_NOT_ALLOWED',
  'JOB_FACTS_UNVERIFIED',
  'SUBJECT_CONFLICT',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/**
 * `alert`: the assumption breaks policy. `unverified`: a check could not be completed; never `ok`.
 */
export type FindingClass = 'alert' | 'unverified';

export interface Finding {
  readonly code: FindingCode;
  readonly class: FindingClass;
  readonly severity: Severity;
  /** Human text. May contain attacker-controlled strings: renderers escape it for their medium. */
  readonly message: string;
}

/** The pipeline as GitLab reported it. */
export interface PipelineSummary {
  readonly id: number;
  readonly projectId: number;
  readonly ref: string;
  readonly source: string | null;
  readonly status: string | null;
  readonly username: string | null;
  readonly webUrl: string | null;
  readonly createdAt: string | null;
}

export interface Verdict {
  readonly eventId: string;
  readonly eventTime: string;
  readonly accountId: string;
  readonly region: string;
  readonly roleArn: string;
  readonly roleSessionName: string | null;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly errorCode: string | null;
  readonly verdict: VerdictKind;
  readonly severity: Severity;
  /** Name of the matched production role policy, null when not a production role. */
  readonly policy: string | null;
  /** Why the record was ignored, when it was. */
  readonly reason: string | null;
  readonly findings: readonly Finding[];
  readonly pipeline: PipelineSummary | null;
  /** The project id resolved from the token's sub (by id, or by path through GitLab). */
  readonly projectId: number | null;
  readonly evaluatedAt: string;
}
