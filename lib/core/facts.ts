/**
 * Gathers the GitLab facts one assumption's checks need, lazily (only what the role's policy needs; the port caches):
 * 1. the token's project X (by id when the sub signs one, else by path), with the ref's pipeline list for the event's
 *    window fetched in the same round trip;
 * 2. without ref_type in the sub, whether the ref exists as a branch or a tag (never read off a named pipeline);
 * 3. the named pipeline when the list does not hold it (and the MR behind an MR pipeline), the protection lists;
 * 4. provenance: the candidates' jobs, chains and job facts (lib/core/provenance/gather.ts).
 */
import type { RoleAssumption } from './assumption';
import { SKIPPED, type Fact, type GitLabFacts } from './checks/check';
import { mergeRequestIid, pipelineIdentity } from './checks/pipeline-identity';
import {
  explicitlyAllowedBy,
  protectionListsNeeded,
  repositoryProtection,
  requiresProtection,
} from './checks/ref-rules';
import type { Config, ProductionRole } from './config';
import type {
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabPort,
  GitLabProject,
  Lookup,
  ProtectedRefPattern,
  RepositoryRef,
} from './gitlab-port';
import { lookup } from './lookup';
import { gatherProvenance, listCandidates } from './provenance/gather';
import { skippedProvenance } from './provenance/model';
import type { ParsedSessionName } from './session-name';
import type { SubjectClaim } from './subject';

export function emptyFacts(subject: SubjectClaim | null): GitLabFacts {
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
    repositoryBranch: SKIPPED,
    repositoryTag: SKIPPED,
    provenance: skippedProvenance('the GitLab-side checks do not apply'),
  };
}

interface ProtectionFacts {
  readonly protectedBranches: Fact<readonly ProtectedRefPattern[]>;
  readonly protectedTags: Fact<readonly ProtectedRefPattern[]>;
}

interface RefTypeFacts {
  readonly refType: string | null;
  readonly refTypeFrom: GitLabFacts['refTypeFrom'];
  readonly repositoryBranch: Fact<RepositoryRef>;
  readonly repositoryTag: Fact<RepositoryRef>;
}

/** Fetches only the protection lists the ref's protection depends on; nothing when an entry, the claim or the repository decides. */
async function gatherProtection(
  port: GitLabPort,
  role: ProductionRole,
  subject: SubjectClaim,
  projectId: number | null,
  refs: RefTypeFacts,
): Promise<ProtectionFacts> {
  const ref = subject.ref;
  const needed =
    projectId !== null &&
    ref !== null &&
    subject.refProtected === null &&
    requiresProtection(role) &&
    explicitlyAllowedBy(role, ref) === null &&
    repositoryProtection(refs.refType, refs.repositoryBranch, refs.repositoryTag) === null;
  if (!needed) return { protectedBranches: SKIPPED, protectedTags: SKIPPED };
  const lists = protectionListsNeeded(refs.refType);
  const [protectedBranches, protectedTags] = await Promise.all([
    lists === 'branches' || lists === 'both' ? lookup(() => port.listProtectedBranches(projectId)) : SKIPPED,
    lists === 'tags' || lists === 'both' ? lookup(() => port.listProtectedTags(projectId)) : SKIPPED,
  ]);
  return { protectedBranches, protectedTags };
}

/**
 * The ref type: signed in the sub, else the repository's answer (branch only, tag only). Both existing leaves it
 * null (REF_TYPE_UNKNOWN unless the role allows both types and both are protected).
 * See: https://docs.gitlab.com/api/branches/#get-single-repository-branch and https://docs.gitlab.com/api/tags/
 */
async function gatherRefType(
  port: GitLabPort,
  subject: SubjectClaim,
  projectId: number | null,
): Promise<RefTypeFacts> {
  if (subject.refType !== null || projectId === null || subject.ref === null)
    return {
      refType: subject.refType,
      refTypeFrom: subject.refType !== null ? 'sub' : null,
      repositoryBranch: SKIPPED,
      repositoryTag: SKIPPED,
    };
  const ref = subject.ref;
  const [repositoryBranch, repositoryTag] = await Promise.all([
    lookup(() => port.getBranch(projectId, ref)),
    lookup(() => port.getTag(projectId, ref)),
  ]);
  const branch = repositoryBranch.status === 'found';
  const tag = repositoryTag.status === 'found';
  const settled = repositoryBranch.status !== 'unavailable' && repositoryTag.status !== 'unavailable';
  const refType = settled && branch !== tag ? (branch ? 'branch' : 'tag') : null;
  return { refType, refTypeFrom: refType !== null ? 'repository' : null, repositoryBranch, repositoryTag };
}

interface PipelineFacts {
  readonly pipelineProjectId: number | null;
  readonly pipeline: Fact<GitLabPipeline>;
  readonly mergeRequest: Fact<GitLabMergeRequest>;
}

/** The named pipeline: the list's entry when listed (no request), else a single lookup (and the MR of an MR pipeline). */
async function gatherNamedPipeline(
  port: GitLabPort,
  session: ParsedSessionName | null,
  projectId: number | null,
  list: Lookup<readonly GitLabPipeline[]> | null,
): Promise<PipelineFacts> {
  if (!session) return { pipelineProjectId: null, pipeline: SKIPPED, mergeRequest: SKIPPED };
  const pipelineProjectId = projectId ?? session.projectId;
  if (pipelineProjectId === null)
    return {
      pipelineProjectId,
      pipeline: { status: 'skipped', detail: 'no project to look the pipeline up in' },
      mergeRequest: SKIPPED,
    };
  const listed =
    list?.status === 'found'
      ? list.value.find((p) => p.id === session.pipelineId && p.projectId === pipelineProjectId)
      : undefined;
  const pipeline: Fact<GitLabPipeline> = listed
    ? { status: 'found', value: listed }
    : await lookup(() => port.getPipeline(pipelineProjectId, session.pipelineId));
  let mergeRequest: Fact<GitLabMergeRequest> = SKIPPED;
  if (pipeline.status === 'found' && projectId !== null && pipeline.value.projectId === projectId) {
    const iid = mergeRequestIid(pipeline.value.ref);
    if (iid !== null) mergeRequest = await lookup(() => port.getMergeRequest(projectId, iid));
  }
  return { pipelineProjectId, pipeline, mergeRequest };
}

interface ProjectFacts {
  readonly projectId: number | null;
  readonly project: Fact<GitLabProject>;
  readonly projectLookupBy: GitLabFacts['projectLookupBy'];
  readonly list: Lookup<readonly GitLabPipeline[]> | null;
}

/**
 * X, the token's project, and the pipeline list in the same round trip. A signed project_id is X as is (its path is
 * confirmed only when the sub has one). By path, GitLab accepts the URL-encoded path wherever an id goes; the list's
 * entries carry project_id, compared with X afterwards. See: https://docs.gitlab.com/api/rest/#namespaced-paths
 */
async function gatherProject(
  port: GitLabPort,
  config: Config,
  a: RoleAssumption,
  subject: SubjectClaim,
  nowMs: number,
): Promise<ProjectFacts> {
  const ref = subject.ref;
  const list = (project: number | string) =>
    ref === null ? Promise.resolve(null) : listCandidates(port, config, project, ref, a.eventTime, nowMs);
  if (subject.projectId !== null) {
    const id = subject.projectId;
    const [project, listed] = await Promise.all([
      subject.projectPath !== null ? lookup(() => port.getProject(id)) : SKIPPED,
      list(id),
    ]);
    return {
      projectId: id,
      project,
      projectLookupBy: subject.projectPath !== null ? 'id' : null,
      list: listed,
    };
  }
  const path = subject.projectPath ?? '';
  const [project, listed] = await Promise.all([lookup(() => port.getProject(path)), list(path)]);
  return {
    projectId: project.status === 'found' ? project.value.id : null,
    project,
    projectLookupBy: 'path',
    list: listed,
  };
}

export async function gatherFacts(
  port: GitLabPort,
  config: Config,
  assumption: RoleAssumption,
  role: ProductionRole,
  subject: SubjectClaim,
  session: ParsedSessionName | null,
  nowMs: number,
): Promise<GitLabFacts> {
  const p = await gatherProject(port, config, assumption, subject, nowMs);
  const refs = await gatherRefType(port, subject, p.projectId);
  const [named, protection] = await Promise.all([
    gatherNamedPipeline(port, session, p.projectId, p.list),
    gatherProtection(port, role, subject, p.projectId, refs),
  ]);
  const consistent =
    p.projectId !== null &&
    pipelineIdentity({ assumption, subject, session, projectId: p.projectId, ...named }).status ===
      'consistent';
  const provenance = await gatherProvenance(
    {
      port,
      config,
      assumption,
      role,
      subject,
      projectId: p.projectId,
      projectPath: p.project.status === 'found' ? p.project.value.pathWithNamespace : subject.projectPath,
      refType: refs.refType,
      named: session ? { id: session.pipelineId, pipeline: named.pipeline, consistent } : null,
    },
    p.list ?? { status: 'not_found', detail: 'the sub has no ref' },
  );
  return {
    projectId: p.projectId,
    project: p.project,
    projectLookupBy: p.projectLookupBy,
    ...named,
    ...protection,
    ...refs,
    provenance,
  };
}
