/**
 * A suggested, hardened trust policy for an exposed role, for a person to review: never applied by this tool.
 * Built from the config's policy for the role when it is watched (pinned project ids and their current paths, the
 * allowed refs, or GitLab's protected branches/tags for `protected`, the allowed audiences and sources), otherwise
 * from what the role admits narrowed to exact projects and protected refs. Exact subjects go under StringEquals;
 * GitLab's wildcard protected patterns (`release/*`) need StringLike, in a statement of their own (conditions in
 * one statement are ANDed). On gitlab.com it also pins `project_id`, `ref_protected` and `pipeline_source`.
 * See: https://docs.gitlab.com/ci/cloud_services/aws/#configure-a-role-and-trust
 */
import type { ProductionRole } from '../config';
import type { ProviderTrust } from './analyze';
import { narrowestTest } from './admits';
import type { AuditFacts } from './facts';
import { namedProjects } from './facts';
import { isGenericAudience } from './checks/aud-generic';
import { WEB_IDENTITY_ACTION } from './statements';

export const AUDIENCE_PLACEHOLDER = 'REPLACE-WITH-A-PROJECT-SPECIFIC-AUDIENCE';

export interface SuggestedTrustPolicy {
  readonly policy: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly Record<string, unknown>[];
  };
  /** What the reviewer must check or fill in. */
  readonly notes: readonly string[];
}

interface Project {
  readonly id: number | null;
  readonly path: string;
}

interface RefSpec {
  readonly type: 'branch' | 'tag';
  readonly ref: string;
}

function projectsFor(
  trust: ProviderTrust,
  facts: AuditFacts,
  role: ProductionRole | null,
  notes: string[],
): Project[] {
  if (role) {
    return role.allowedProjectIds.map((id, i) => {
      const fact = facts.projectsById.get(id);
      if (fact?.status === 'found') return { id, path: fact.value.pathWithNamespace };
      const path = role.allowedProjectPaths[i] ?? `<path of project ${id}>`;
      notes.push(`GitLab did not resolve project ${id}: check its path (${path})`);
      return { id, path };
    });
  }
  const named = namedProjects(trust);
  const projects: Project[] = named.paths.map((path) => {
    const fact = facts.projectsByPath.get(path.toLowerCase());
    return {
      id: fact?.status === 'found' ? fact.value.id : null,
      path: fact?.status === 'found' ? fact.value.pathWithNamespace : path,
    };
  });
  if (projects.length === 0) {
    notes.push(
      'the trust policy names no exact project: replace <group>/<project> and the id with the one project that needs the role',
    );
    projects.push({ id: null, path: '<group>/<project>' });
  }
  return projects;
}

function protectedRefs(facts: AuditFacts, project: Project, types: readonly string[]): RefSpec[] | null {
  if (project.id === null) return null;
  const branches = facts.protectedBranches.get(project.id);
  const tags = facts.protectedTags.get(project.id);
  if (branches?.status !== 'found' || tags?.status !== 'found') return null;
  return [
    ...(types.includes('branch')
      ? branches.value.map((p) => ({ type: 'branch' as const, ref: p.name }))
      : []),
    ...(types.includes('tag') ? tags.value.map((p) => ({ type: 'tag' as const, ref: p.name })) : []),
  ];
}

function refsFor(
  facts: AuditFacts,
  project: Project,
  role: ProductionRole | null,
  notes: string[],
): RefSpec[] {
  const types = role?.allowedRefTypes ?? ['branch'];
  const explicit = (role?.allowedRefs ?? []).filter((r) => r !== 'protected');
  const refs: RefSpec[] = types.flatMap((type) => explicit.map((ref) => ({ type, ref })));
  if (!role || role.allowedRefs.includes('protected')) {
    const known = protectedRefs(facts, project, types);
    if (known) refs.push(...known);
    else {
      notes.push(
        `protected refs of ${project.path} are unknown: main is assumed, list the protected refs instead`,
      );
      refs.push({ type: 'branch', ref: 'main' });
    }
  }
  return refs;
}

function audiencesFor(trust: ProviderTrust, role: ProductionRole | null, notes: string[]): string[] {
  if (role) {
    const generic = role.allowedAudiences.filter((a) => isGenericAudience(a, trust.provider.issuer));
    if (generic.length > 0)
      notes.push(
        `the production role allows the generic audience ${generic.join(', ')}: a project-specific one confines a leaked token to this role`,
      );
    return [...role.allowedAudiences];
  }
  const specific = trust.allows
    .flatMap((st) => narrowestTest(st, 'aud')?.values ?? [])
    .filter((a) => !a.includes('*') && !isGenericAudience(a, trust.provider.issuer));
  if (specific.length > 0) return [...new Set(specific)];
  notes.push(
    `set a project-specific audience in ${AUDIENCE_PLACEHOLDER}, request it in id_tokens: and add it to the provider's client IDs`,
  );
  return [AUDIENCE_PLACEHOLDER];
}

function statement(
  providerArn: string,
  conditions: Record<string, Record<string, string[]>>,
): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: WEB_IDENTITY_ACTION,
    Condition: conditions,
  };
}

export function suggestTrustPolicy(
  trust: ProviderTrust,
  facts: AuditFacts,
  role: ProductionRole | null,
  accountId: string,
): SuggestedTrustPolicy {
  const notes: string[] = [];
  const provider = trust.provider.name;
  const providerArn = trust.providerArns[0] ?? `arn:aws:iam::${accountId}:oidc-provider/${provider}`;
  const projects = projectsFor(trust, facts, role, notes);
  const subjects = projects.flatMap((p) =>
    refsFor(facts, p, role, notes).map((r) => `project_path:${p.path}:ref_type:${r.type}:ref:${r.ref}`),
  );
  const exact = [...new Set(subjects.filter((s) => !s.includes('*')))];
  const globs = [...new Set(subjects.filter((s) => s.includes('*')))];
  const equals: Record<string, string[]> = { [`${provider}:aud`]: audiencesFor(trust, role, notes) };
  if (trust.provider.gitlabCom) {
    const ids = projects.map((p) => p.id).filter((id): id is number => id !== null);
    if (ids.length > 0) equals['gitlab.com:project_id'] = ids.map(String);
    if (!role || role.allowedRefs.every((r) => r === 'protected'))
      equals['gitlab.com:ref_protected'] = ['true'];
    equals['gitlab.com:pipeline_source'] = role ? [...role.allowedPipelineSources] : ['push'];
  } else {
    notes.push(
      `${provider} is not gitlab.com: AWS evaluates only sub and aud, the detector must enforce sources and protection`,
    );
  }
  const statements: Record<string, unknown>[] = [];
  if (exact.length > 0)
    statements.push(statement(providerArn, { StringEquals: { ...equals, [`${provider}:sub`]: exact } }));
  if (globs.length > 0)
    statements.push(
      statement(providerArn, { StringEquals: { ...equals }, StringLike: { [`${provider}:sub`]: globs } }),
    );
  if (statements.length === 0)
    notes.push('no allowed ref is known: this suggestion admits nothing until refs are listed');
  return { policy: { Version: '2012-10-17', Statement: statements }, notes: [...new Set(notes)] };
}
