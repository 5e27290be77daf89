import { selectMintingPipeline, unreadPipelines } from '../provenance/candidates';
import { decidingSource } from '../provenance/chain';
import { requirementsOf } from '../provenance/job-rules';
import { finding, type Check, type CheckContext } from './check';
import { requirementVerdict } from './job-requirement-rules';
import { chainVerdicts } from './provenance-rules';
import { identityOf } from './pipeline-identity';
import { projectIdAllowed, samePath } from './project-rules';
import { refDecision } from './ref-rules';

/**
 * What an `ok` verdict must positively establish. Each check only speaks when it is sure something is wrong; this
 * list is the other side: every fact an `ok` rests on. Empty means complete.
 */
export function completenessGaps(ctx: CheckContext): string[] {
  if (!ctx.correlated) return ['the GitLab-side checks did not run'];
  const subject = ctx.subject;
  if (!subject) return ['the sub was not parsed'];
  const gaps: string[] = [];
  const f = ctx.facts;
  if (f.projectId === null) gaps.push("the token's project was not resolved");
  else if (!projectIdAllowed(ctx.role, f.projectId)) gaps.push(`project ${f.projectId} is not pinned`);
  if (
    f.projectLookupBy === 'id' &&
    !(
      f.project.status === 'found' &&
      subject.projectPath !== null &&
      samePath(f.project.value.pathWithNamespace, subject.projectPath)
    )
  ) {
    gaps.push("the sub's project_path was not confirmed for its project_id");
  }
  if (f.refType !== null && !(ctx.role.allowedRefTypes as readonly string[]).includes(f.refType))
    gaps.push('the ref type is not allowed');
  if (
    f.refType === null &&
    !(ctx.role.allowedRefTypes.includes('branch') && ctx.role.allowedRefTypes.includes('tag'))
  ) {
    gaps.push('the ref type is unknown');
  }
  const decision = refDecision(ctx);
  if (decision.status !== 'allowed') gaps.push(`the ref was not shown to be allowed (${decision.status})`);
  if (ctx.assumption.subjectConflict !== null) gaps.push("the record's two copies of the sub disagree");
  if (ctx.session) {
    const identity = identityOf(ctx);
    if (identity.status !== 'consistent')
      gaps.push(`the named pipeline was not shown to be the token's (${identity.status})`);
  }
  return [...gaps, ...provenanceGaps(ctx)];
}

/** The minting pipeline established (or every candidate judged), each one's source allowed through its chain. */
function provenanceGaps(ctx: CheckContext): string[] {
  const gaps: string[] = [];
  const p = ctx.facts.provenance;
  const selection = selectMintingPipeline(p);
  if (selection.kind === 'unknown' || selection.kind === 'none')
    gaps.push(
      `no minting pipeline was established (${selection.kind === 'unknown' ? selection.reason : 'none'})`,
    );
  for (const c of unreadPipelines(p)) gaps.push(`the jobs of pipeline ${c.pipeline.id} were not read`);
  const established = selection.kind === 'established' ? selection.pipeline : null;
  if (established?.relation?.kind === 'token_alive') gaps.push('the token was used after its job finished');
  for (const { c, verdict } of chainVerdicts(ctx)) {
    const deciding = decidingSource(c, verdict);
    if (deciding === null)
      gaps.push(`the chain of pipeline ${c.pipeline.id} was not resolved (${verdict.status})`);
    else if (deciding.source === null || !ctx.role.allowedPipelineSources.includes(deciding.source))
      gaps.push(`the source of pipeline ${deciding.pipelineId} is not allowed`);
    if (verdict.status === 'resolved' && verdict.problems.length + verdict.unknowns.length > 0)
      gaps.push(`the chain of pipeline ${c.pipeline.id} was not accepted`);
  }
  for (const r of requirementsOf(ctx.role.jobRequirements)) {
    const v = requirementVerdict(ctx, r);
    if (v !== null && v.status !== 'pass') gaps.push(`job requirement ${r} was not met (${v.status})`);
  }
  return gaps;
}

/**
 * CHECKS_INCOMPLETE: the safety net. The correlate use case runs it only when no other check produced a finding for
 * a production role; it turns a would-be `ok` that is not positively established into `unverified`.
 */
export const check: Check = {
  id: 'CHECKS_INCOMPLETE',
  title: 'Checks ended without a conclusion',
  description:
    'Unverified. Run only when no other check reported anything on a production role: lists every fact an ok ' +
    'verdict rests on (pinned project, confirmed path, allowed ref type and ref, the minting pipeline established ' +
    "from GitLab's record or every candidate judged, each one's jobs read, its source allowed through its chain, " +
    'the job requirements met, a named pipeline consistent with the sub) that was not positively established. ' +
    'It should never fire; ' +
    'when it does, a check has a gap: report it.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Re-evaluate the record with oidc-watch evaluate and read the facts gathered.',
    'Report the record (redacted) to the maintainers: a check should have explained it.',
  ],
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  evaluate(ctx) {
    const gaps = completenessGaps(ctx);
    return gaps.length === 0
      ? []
      : [finding(check, ctx, `checks could not be completed: ${gaps.join('; ')}`)];
  },
};
