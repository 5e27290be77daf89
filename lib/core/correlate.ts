/**
 * The correlate use case: one role assumption in, one Verdict out.
 *
 * 1. Triage (synchronous, no I/O): not a production role, or a non-GitLab issuer the role allows
 *    (allowedForeignIssuers) -> `ignored`. An issuer in ignoredIssuers is no excuse on a production role.
 * 2. Parse the signed sub and the caller-chosen session name (a hint that only selects among candidates).
 * 3. Gather GitLab facts lazily, only what the role's policy needs (lib/core/facts.ts; the port caches): the token's
 *    project, the ref type from the repository when the sub lacks it, the protection the ref needs, and provenance:
 *    the pipelines and jobs of the sub's project and ref that could have minted the token at the event time, the
 *    chain of downstream candidates, the minting job's deployment facts (lib/core/provenance). All rounds share one
 *    budget when one is given. No lookup at all for failed calls and untrusted issuers: there is no GitLab to ask.
 * 4. Run every check (lib/core/checks) over the facts. Any alert-class finding -> `alert`; else any unverified-class
 *    finding -> `unverified`; else `ok`, and only when every fact an ok rests on was positively established
 *    (the CHECKS_INCOMPLETE safety net). A production role whose checks could not be completed is never `ok`.
 */
import type { RoleAssumption } from './assumption';
import type { Config } from './config';
import { CHECKS, SAFETY_NET } from './checks';
import type { CheckContext, GitLabFacts } from './checks/check';
import { budgetedPort } from './budgeted-port';
import { emptyFacts, gatherFacts } from './facts';
import { unavailableGitLabPort, type GitLabDirectory, type GitLabPort } from './gitlab-port';
import { selectMintingPipeline } from './provenance/candidates';
import { compilePolicy, type CompiledPolicy } from './policy';
import { compileSessionNamePatterns, parseSessionName, type CompiledSessionPatterns } from './session-name';
import { parseSubject } from './subject';
import {
  SEVERITY_RANK,
  type Finding,
  type PipelineSummary,
  type Severity,
  type Verdict,
  type VerdictKind,
} from './verdict';

export interface EvaluationDeps {
  readonly config: Config;
  readonly gitlab: GitLabDirectory;
  readonly now?: () => Date;
  /**
   * Wall-clock budget for one assumption's GitLab lookups, all rounds together (the Lambda's share of its timeout).
   * Unset: each lookup is bounded by its own deadline only (CLI).
   */
  readonly lookupBudgetMs?: number;
  /** Monotonic milliseconds for the budget; default Date.now. */
  readonly clock?: () => number;
}

export interface Evaluator {
  /** See {@link triage}. */
  triage(a: RoleAssumption): Verdict | null;
  evaluate(a: RoleAssumption): Promise<Verdict>;
}

const NOT_A_PRODUCTION_ROLE = 'not a production role';
const FOREIGN_ISSUER_ALLOWED = 'issuer allowed for this role (allowedForeignIssuers)';

const compiledPatterns = new WeakMap<Config, CompiledSessionPatterns>();

function sessionPatternsFor(config: Config): CompiledSessionPatterns {
  let patterns = compiledPatterns.get(config);
  if (!patterns) {
    patterns = compileSessionNamePatterns(config.sessionNamePatterns);
    compiledPatterns.set(config, patterns);
  }
  return patterns;
}

/**
 * The pipeline a verdict shows: the minting pipeline when established (by GitLab's record, or the named candidate),
 * else the pipeline the session name names (as GitLab reported it).
 */
function pipelineSummary(facts: GitLabFacts): PipelineSummary | null {
  const selection = selectMintingPipeline(facts.provenance);
  const p =
    selection.kind === 'established'
      ? selection.pipeline.pipeline
      : facts.pipeline.status === 'found'
        ? facts.pipeline.value
        : null;
  if (p === null) return null;
  return {
    id: p.id,
    projectId: p.projectId,
    ref: p.ref,
    source: p.source,
    status: p.status,
    username: p.username,
    webUrl: p.webUrl,
    createdAt: p.createdAt,
  };
}

function maxSeverity(findings: readonly Finding[]): Severity {
  let max: Severity = 'info';
  for (const f of findings) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[max]) max = f.severity;
  return max;
}

function verdictKind(findings: readonly Finding[]): VerdictKind {
  if (findings.some((f) => f.class === 'alert')) return 'alert';
  if (findings.length > 0) return 'unverified';
  return 'ok';
}

interface VerdictOutcome {
  readonly verdict: VerdictKind;
  readonly severity: Severity;
  readonly policy: string | null;
  readonly reason: string | null;
  readonly findings: readonly Finding[];
  readonly pipeline: PipelineSummary | null;
  readonly projectId: number | null;
}

/**
 * One object literal, no spread: triage builds a verdict for every record that is not a production role, and
 * spreading a wide object is orders of magnitude slower in V8 than a literal of the same shape.
 */
function makeVerdict(a: RoleAssumption, o: VerdictOutcome, evaluatedAt: string): Verdict {
  return {
    eventId: a.eventId,
    eventTime: a.eventTime,
    accountId: a.accountId,
    region: a.region,
    roleArn: a.roleArn,
    roleSessionName: a.roleSessionName,
    subject: a.subject,
    issuer: a.issuer,
    audience: a.audience,
    sourceIp: a.sourceIp,
    userAgent: a.userAgent,
    errorCode: a.errorCode,
    verdict: o.verdict,
    severity: o.severity,
    policy: o.policy,
    reason: o.reason,
    findings: o.findings,
    pipeline: o.pipeline,
    projectId: o.projectId,
    evaluatedAt,
  };
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

function ignored(a: RoleAssumption, policy: string | null, reason: string, now: () => Date): Verdict {
  return makeVerdict(
    a,
    {
      verdict: 'ignored',
      severity: 'info',
      policy,
      reason,
      findings: NO_FINDINGS,
      pipeline: null,
      projectId: null,
    },
    now().toISOString(),
  );
}

function triageWith(policy: CompiledPolicy, a: RoleAssumption, now: () => Date): Verdict | null {
  const role = policy.matchRole(a.roleArn);
  if (!role) return ignored(a, null, NOT_A_PRODUCTION_ROLE, now);
  // ignoredIssuers never excuse a production role: only the role's own allowedForeignIssuers do.
  if (policy.roleAllowsForeignIssuer(role, a.issuer))
    return ignored(a, role.name, FOREIGN_ISSUER_ALLOWED, now);
  return null;
}

/** The issuer's GitLab client (or one that answers "unavailable"), within the lookup budget when one is set. */
function lookupPortFor(deps: EvaluationDeps, trustedIssuer: string): GitLabPort {
  const client =
    deps.gitlab.forIssuer(trustedIssuer) ??
    unavailableGitLabPort(`no GitLab client is configured for issuer ${trustedIssuer}`);
  return deps.lookupBudgetMs === undefined
    ? client
    : budgetedPort(client, deps.lookupBudgetMs, deps.clock ?? Date.now);
}

/** Every check's findings; the safety net's when no check found anything. */
function findingsFor(ctx: CheckContext): readonly Finding[] {
  const findings: readonly Finding[] = CHECKS.flatMap((c) => c.evaluate(ctx));
  return findings.length === 0 ? SAFETY_NET.evaluate(ctx) : findings;
}

/** Creates a reusable evaluator with compiled patterns (build once per run/Lambda init). */
export function createEvaluator(deps: EvaluationDeps): Evaluator {
  const policy = compilePolicy(deps.config);
  const patterns = sessionPatternsFor(deps.config);
  const now = deps.now ?? (() => new Date());

  return {
    triage(a) {
      return triageWith(policy, a, now);
    },
    async evaluate(a) {
      const early = triageWith(policy, a, now);
      if (early) return early;
      const role = policy.matchRole(a.roleArn);
      if (!role) return ignored(a, null, NOT_A_PRODUCTION_ROLE, now);

      const trustedIssuer = policy.trustedIssuer(a.issuer);
      const issuerAllowed = trustedIssuer !== null && policy.roleAcceptsIssuer(role, trustedIssuer);
      const failed = a.errorCode !== null;
      const correlated = issuerAllowed && !failed;
      const subject = a.subject !== null ? parseSubject(a.subject) : null;
      const session = a.roleSessionName !== null ? parseSessionName(a.roleSessionName, patterns) : null;

      let facts = emptyFacts(subject);
      if (correlated && subject && trustedIssuer !== null) {
        const port = lookupPortFor(deps, trustedIssuer);
        facts = await gatherFacts(port, deps.config, a, role, subject, session, now().getTime());
      }

      const ctx: CheckContext = {
        assumption: a,
        role,
        trustedIssuer,
        issuerAllowed,
        issuerIgnored: policy.isIgnoredIssuer(a.issuer),
        failed,
        correlated,
        subject,
        session,
        facts,
      };
      const findings = findingsFor(ctx);

      return makeVerdict(
        a,
        {
          verdict: verdictKind(findings),
          severity: maxSeverity(findings),
          policy: role.name,
          reason: null,
          findings,
          pipeline: pipelineSummary(facts),
          projectId: facts.projectId,
        },
        now().toISOString(),
      );
    },
  };
}

const evaluators = new WeakMap<EvaluationDeps, Evaluator>();

function evaluatorFor(deps: EvaluationDeps): Evaluator {
  let evaluator = evaluators.get(deps);
  if (!evaluator) {
    evaluator = createEvaluator(deps);
    evaluators.set(deps, evaluator);
  }
  return evaluator;
}

/**
 * Cheap, synchronous, no I/O: returns the final Verdict for records that need no GitLab lookup (not a production
 * role -> 'ignored'; ignored issuer -> 'ignored'), else null. Compiled policy is cached per Config.
 */
export function triage(a: RoleAssumption, deps: EvaluationDeps): Verdict | null {
  return triageWith(compilePolicy(deps.config), a, deps.now ?? (() => new Date()));
}

export async function evaluateAssumption(a: RoleAssumption, deps: EvaluationDeps): Promise<Verdict> {
  return evaluatorFor(deps).evaluate(a);
}
