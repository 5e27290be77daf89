/**
 * The correlate use case: one role assumption in, one Verdict out.
 *
 * 1. Triage (synchronous, no I/O): not a production role, or an ignored issuer -> `ignored`.
 * 2. Parse the signed sub and the caller-chosen session name.
 * 3. Gather GitLab facts lazily, only what the role's policy needs (the port caches): the token's project, the
 *    pipeline the session name names (and the MR behind an MR pipeline), the one protection list the ref needs.
 *    No lookup at all for failed calls and untrusted issuers: there is no GitLab to ask.
 * 4. Run every check (lib/core/checks) over the facts. Any alert-class finding -> `alert`; else any unverified-class
 *    finding -> `unverified`; else `ok`, and only when every fact an ok rests on was positively established
 *    (the CHECKS_INCOMPLETE safety net). A production role whose checks could not be completed is never `ok`.
 */
import type { RoleAssumption } from './assumption';
import type { Config, ProductionRole } from './config';
import { CHECKS, SAFETY_NET } from './checks';
import { SKIPPED, type CheckContext, type Fact, type GitLabFacts } from './checks/check';
import { mergeRequestIid, normalizePipelineRef, pipelineIdentity } from './checks/pipeline-identity';
import { explicitlyAllowedBy, protectionListsNeeded, requiresProtection } from './checks/ref-rules';
import { GitLabUnavailableError } from './errors';
import type {
  GitLabDirectory,
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabPort,
  GitLabProject,
  Lookup,
  ProtectedRefPattern,
} from './gitlab-port';
import { unavailableGitLabPort } from './gitlab-port';
import { compilePolicy, type CompiledPolicy } from './policy';
import {
  compileSessionNamePatterns,
  parseSessionName,
  type CompiledSessionPatterns,
  type ParsedSessionName,
} from './session-name';
import { parseSubject, type SubjectClaim } from './subject';
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
}

export interface Evaluator {
  /** See {@link triage}. */
  triage(a: RoleAssumption): Verdict | null;
  evaluate(a: RoleAssumption): Promise<Verdict>;
}

const NOT_A_PRODUCTION_ROLE = 'not a production role';
const IGNORED_ISSUER = 'ignored issuer';

const compiledPatterns = new WeakMap<Config, CompiledSessionPatterns>();

function sessionPatternsFor(config: Config): CompiledSessionPatterns {
  let patterns = compiledPatterns.get(config);
  if (!patterns) {
    patterns = compileSessionNamePatterns(config.sessionNamePatterns);
    compiledPatterns.set(config, patterns);
  }
  return patterns;
}

/** Runs a port call; a thrown GitLabUnavailableError is the `unavailable` outcome, anything else is a bug and propagates. */
async function lookup<T>(call: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof GitLabUnavailableError) return { status: 'unavailable', detail: e.message };
    throw e;
  }
}

function emptyFacts(subject: SubjectClaim | null): GitLabFacts {
  return {
    projectId: subject?.projectId ?? null,
    project: SKIPPED,
    projectLookupBy: null,
    pipelineProjectId: null,
    pipeline: SKIPPED,
    mergeRequest: SKIPPED,
    protectedBranches: SKIPPED,
    protectedTags: SKIPPED,
    refType: subject?.refType ?? null,
    refTypeFrom: subject?.refType ? 'sub' : null,
  };
}

interface ProtectionFacts {
  readonly protectedBranches: Fact<readonly ProtectedRefPattern[]>;
  readonly protectedTags: Fact<readonly ProtectedRefPattern[]>;
}

/** Fetches only the protection lists the ref's protection depends on; nothing when an explicit entry or the claim decides. */
async function gatherProtection(
  port: GitLabPort,
  role: ProductionRole,
  subject: SubjectClaim,
  projectId: number | null,
  refType: string | null,
): Promise<ProtectionFacts> {
  const ref = subject.ref;
  const needed =
    projectId !== null &&
    ref !== null &&
    subject.refProtected === null &&
    requiresProtection(role) &&
    explicitlyAllowedBy(role, ref) === null;
  if (!needed) return { protectedBranches: SKIPPED, protectedTags: SKIPPED };
  const lists = protectionListsNeeded(refType);
  const [protectedBranches, protectedTags] = await Promise.all([
    lists === 'branches' || lists === 'both' ? lookup(() => port.listProtectedBranches(projectId)) : SKIPPED,
    lists === 'tags' || lists === 'both' ? lookup(() => port.listProtectedTags(projectId)) : SKIPPED,
  ]);
  return { protectedBranches, protectedTags };
}

interface PipelineFacts {
  readonly pipelineProjectId: number | null;
  readonly pipeline: Fact<GitLabPipeline>;
  readonly mergeRequest: Fact<GitLabMergeRequest>;
}

async function gatherPipeline(
  port: GitLabPort,
  session: ParsedSessionName | null,
  projectId: number | null,
  prefetched: Fact<GitLabPipeline> | null = null,
): Promise<PipelineFacts> {
  if (!session) return { pipelineProjectId: null, pipeline: SKIPPED, mergeRequest: SKIPPED };
  const pipelineProjectId = projectId ?? session.projectId;
  if (pipelineProjectId === null) {
    return {
      pipelineProjectId,
      pipeline: { status: 'skipped', detail: 'no project to look the pipeline up in' },
      mergeRequest: SKIPPED,
    };
  }
  // A pipeline fetched by the sub's project path together with the project itself stands for X's pipeline only
  // when the path did resolve to X (the identity checks still compare pipeline.projectId with X).
  const pipeline =
    prefetched !== null && projectId !== null
      ? prefetched
      : await lookup(() => port.getPipeline(pipelineProjectId, session.pipelineId));
  let mergeRequest: Fact<GitLabMergeRequest> = SKIPPED;
  if (pipeline.status === 'found' && projectId !== null && pipeline.value.projectId === projectId) {
    const iid = mergeRequestIid(pipeline.value.ref);
    if (iid !== null) mergeRequest = await lookup(() => port.getMergeRequest(projectId, iid));
  }
  return { pipelineProjectId, pipeline, mergeRequest };
}

/** The ref type GitLab's record of the token's pipeline shows; only used when the sub has no ref_type. */
function refTypeFromPipeline(
  assumption: RoleAssumption,
  subject: SubjectClaim,
  session: ParsedSessionName | null,
  projectId: number | null,
  p: PipelineFacts,
): string | null {
  if (p.pipeline.status !== 'found') return null;
  const identity = pipelineIdentity({
    assumption,
    subject,
    session,
    projectId,
    pipeline: p.pipeline,
    mergeRequest: p.mergeRequest,
  });
  if (identity.status !== 'consistent') return null;
  const pipeline = p.pipeline.value;
  if (pipeline.tag !== null) return pipeline.tag ? 'tag' : 'branch';
  if (mergeRequestIid(pipeline.ref) !== null) return 'branch';
  return normalizePipelineRef(pipeline.ref).kind;
}

async function gatherFacts(
  port: GitLabPort,
  assumption: RoleAssumption,
  role: ProductionRole,
  subject: SubjectClaim,
  session: ParsedSessionName | null,
): Promise<GitLabFacts> {
  // 1. The token's project X. A signed project_id is X as is; its path is confirmed only when the sub has one.
  let projectId: number | null;
  let project: Fact<GitLabProject> = SKIPPED;
  let projectLookupBy: GitLabFacts['projectLookupBy'] = null;
  let prefetchedPipeline: Fact<GitLabPipeline> | null = null;
  if (subject.projectId !== null) {
    projectId = subject.projectId;
    if (subject.projectPath !== null) {
      const id = subject.projectId;
      project = await lookup(() => port.getProject(id));
      projectLookupBy = 'id';
    }
  } else {
    const path = subject.projectPath ?? '';
    // GitLab accepts the URL-encoded path wherever a project id goes, so the session name's pipeline is fetched in
    // the same round trip as the project: one sequential GitLab round trip less per assumption.
    // See: https://docs.gitlab.com/api/rest/#namespaced-paths
    [project, prefetchedPipeline] = await Promise.all([
      lookup(() => port.getProject(path)),
      session !== null ? lookup(() => port.getPipeline(path, session.pipelineId)) : Promise.resolve(null),
    ]);
    projectLookupBy = 'path';
    projectId = project.status === 'found' ? project.value.id : null;
  }

  // 2. The pipeline and, when the sub signs the ref type, the one protection list it needs: in parallel.
  const [pipelineFacts, earlyProtection] = await Promise.all([
    gatherPipeline(port, session, projectId, prefetchedPipeline),
    subject.refType !== null ? gatherProtection(port, role, subject, projectId, subject.refType) : null,
  ]);

  // 3. Without ref_type in the sub, read it off the token's pipeline, then fetch what protection needs.
  let refType = subject.refType;
  let refTypeFrom: GitLabFacts['refTypeFrom'] = refType !== null ? 'sub' : null;
  if (refType === null) {
    refType = refTypeFromPipeline(assumption, subject, session, projectId, pipelineFacts);
    refTypeFrom = refType !== null ? 'pipeline' : null;
  }
  const protection = earlyProtection ?? (await gatherProtection(port, role, subject, projectId, refType));

  return { projectId, project, projectLookupBy, ...pipelineFacts, ...protection, refType, refTypeFrom };
}

function pipelineSummary(fact: Fact<GitLabPipeline>): PipelineSummary | null {
  if (fact.status !== 'found') return null;
  const p = fact.value;
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
  if (policy.isIgnoredIssuer(a.issuer)) return ignored(a, role.name, IGNORED_ISSUER, now);
  return null;
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
        const port =
          deps.gitlab.forIssuer(trustedIssuer) ??
          unavailableGitLabPort(`no GitLab client is configured for issuer ${trustedIssuer}`);
        facts = await gatherFacts(port, a, role, subject, session);
      }

      const ctx: CheckContext = {
        assumption: a,
        role,
        trustedIssuer,
        issuerAllowed,
        failed,
        correlated,
        subject,
        session,
        facts,
      };
      let findings: readonly Finding[] = CHECKS.flatMap((c) => c.evaluate(ctx));
      if (findings.length === 0) findings = SAFETY_NET.evaluate(ctx);

      return makeVerdict(
        a,
        {
          verdict: verdictKind(findings),
          severity: maxSeverity(findings),
          policy: role.name,
          reason: null,
          findings,
          pipeline: pipelineSummary(facts.pipeline),
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
