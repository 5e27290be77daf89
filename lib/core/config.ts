/**
 * The policy and service configuration: one schema, validated once (CLI start-up, Lambda init, `cdk synth`).
 * Errors name the offending key. Nothing that decides security has a silent default; the defaults that exist
 * are the hardened ones (pipeline source `push` only, refs `protected` only).
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import { ConfigError } from './errors';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './aws-names';
import { checkPatternSafety } from './session-pattern-safety';

const issuerUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://') || u.startsWith('http://'), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const GitLabTokenSource = z
  .union([
    z.object({ env: z.string().min(1) }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
    z.object({ secretArn: z.string().startsWith('arn:') }).strict(),
    z.object({ secretName: z.string().min(1) }).strict(),
  ])
  .describe(
    'Where the read_api token comes from: {env}, {file} (CLI), {secretArn}/{secretName} (Lambda). Never inline.',
  );

// ---- perf (issue 12): GitLab lookup cache and request budget, per trusted issuer --------------------------------
const GitLabCacheAndBudgetKeys = {
  /**
   * How long facts that can change (protected branches/tags, project path -> id, merge requests, "not found") are
   * served from the per-container cache, seconds. Finished pipelines are cached until evicted. 0 = never reuse.
   */
  cacheTtlSeconds: z.number().int().min(0).max(3600).default(60),
  /** Entries the cache keeps at most (least recently used evicted first): bounds its memory. */
  cacheMaxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
  /**
   * Requests per minute this process sends with the issuer's token, all lookups together. GitLab.com allows about
   * 2,000 per user per minute on the API; the default stays under it. See README "Request budget".
   */
  requestsPerMinute: z.number().int().min(1).max(1_000_000).default(1_800),
};
// ---- end perf -------------------------------------------------------------------------------------------------------

// --- issue 9 (rel): config safety ------------------------------------------------------------------------------
/**
 * GitLab serves its REST API under `<instance URL>/api/v4`, on gitlab.com and on self-managed instances (also under a
 * relative URL root such as /gitlab). See: https://docs.gitlab.com/api/rest/#how-to-use-the-api
 */
const API_V4_PATH = /^https?:\/\/[^/]+(\/[^?#]*)?\/api\/v4$/;
// ---------------------------------------------------------------------------------------------------------------

export const TrustedIssuerSchema = z
  .object({
    /** The token's `iss`, e.g. https://gitlab.com. Matched against the IAM OIDC provider URL in CloudTrail. */
    issuer: issuerUrl,
    /** The REST API base, e.g. https://gitlab.com/api/v4 (self-managed instances, proxies). */
    apiUrl: issuerUrl.refine((u) => API_V4_PATH.test(u), {
      message:
        "must be GitLab's REST API base, ending in /api/v4 (e.g. https://gitlab.com/api/v4 or " +
        'https://gitlab.example.com/gitlab/api/v4): the web address answers API lookups with 404 or HTML, which ' +
        'would turn every production assumption into PROJECT_NOT_ALLOWED',
    }),
    token: GitLabTokenSource.optional(),
    /** Per-lookup deadline, milliseconds, including retries. */
    lookupTimeoutMs: z.number().int().min(100).max(120_000).default(8_000),
    /** Concurrent requests to this instance. */
    concurrency: z.number().int().min(1).max(64).default(8),
    maxRetries: z.number().int().min(0).max(10).default(3),
    ...GitLabCacheAndBudgetKeys,
  })
  .strict();

export const SessionNamePatternSchema = z
  .object({
    name: z.string().min(1),
    /** A regular expression with named groups `pipeline_id` (required) and optionally `project_id`, `job_id`. */
    regex: z.string().min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(p.regex);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        path: ['regex'],
        message: `not a valid regular expression: ${String(e)}`,
      });
      return;
    }
    if (!re.source.includes('(?<pipeline_id>')) {
      ctx.addIssue({
        code: 'custom',
        path: ['regex'],
        message: 'must contain a named group (?<pipeline_id>...)',
      });
    }
    // --- session-name safety (issue 9) ---
    // The built-in patterns are known safe (test/core/session-pattern-safety.test.ts): no analysis at Lambda init.
    const builtIn = DEFAULT_SESSION_NAME_PATTERNS.some((d) => d.regex === p.regex);
    const safety = builtIn ? { safe: true as const } : checkPatternSafety(p.regex);
    if (!safety.safe) ctx.addIssue({ code: 'custom', path: ['regex'], message: safety.reason ?? 'unsafe' });
  });

export const DEFAULT_SESSION_NAME_PATTERNS: readonly z.input<typeof SessionNamePatternSchema>[] = [
  { name: 'pipeline-id', regex: '^pipeline-(?<pipeline_id>[0-9]{1,19})$' },
  // GitLab's AWS docs: role-session-name "GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}"
  // See: https://docs.gitlab.com/ci/cloud_services/aws/
  { name: 'gitlab-runner', regex: '^GitLabRunner-(?<project_id>[0-9]{1,19})-(?<pipeline_id>[0-9]{1,19})$' },
];

export const PIPELINE_SOURCES = [
  'push',
  'web',
  'trigger',
  'schedule',
  'api',
  'external',
  'pipeline',
  'chat',
  'webide',
  'merge_request_event',
  'external_pull_request_event',
  'parent_pipeline',
  'ondemand_dast_scan',
  'ondemand_dast_validation',
  'security_orchestration_policy',
  'pipeline_execution_policy_schedule',
  'container_registry_push',
  'duo_workflow',
] as const;

// ---- Provenance (issue 8): role keys for upstream chains, job facts and foreign issuers; service timing ----

const RUNNER_TYPES = ['instance_type', 'group_type', 'project_type'] as const;

/** Which downstream pipelines may mint this role's token; their chain's root is judged (source, project, ref). */
export const DownstreamPipelinesSchema = z
  .object({
    /**
     * `parent_pipeline` (child pipelines in the same project) and/or `pipeline` (multi-project downstream).
     * Default: child pipelines only, judged by their root. `[]`: only pipelines that are not downstream at all.
     */
    allowedSources: z.array(z.enum(['parent_pipeline', 'pipeline'])).default(['parent_pipeline']),
    /** Projects (numeric ids) an upstream pipeline may run in besides the role's allowedProjectIds. */
    upstreamProjectIds: z.array(z.number().int().positive()).default([]),
  })
  .strict();

/**
 * Facts about the minting JOB a production role can require (GitLab's hardening guidance: production deploys go
 * through a protected environment, on dedicated runners). Each one costs lookups only when required.
 */
export const JobRequirementsSchema = z
  .object({
    /** The job must have deployed to one of these environments (names or globs, `production`, `prod/*`). */
    environments: z.array(z.string().min(1)).min(1).optional(),
    /** The environment must be a protected environment in GitLab (Premium and above). */
    protectedEnvironment: z.boolean().default(false),
    /** The job's runner must be one of these ids... */
    runnerIds: z.array(z.number().int().positive()).min(1).optional(),
    /** ...and of one of these types. */
    runnerTypes: z.array(z.enum(RUNNER_TYPES)).min(1).optional(),
    /** false: an instance (shared) runner never runs this role's jobs. */
    sharedRunners: z.boolean().default(true),
  })
  .strict()
  .superRefine((j, ctx) => {
    if (j.protectedEnvironment && j.environments === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['protectedEnvironment'],
        message: 'needs environments: the environment that must be protected',
      });
  });

/** Service-wide timing and budgets of provenance. Defaults documented in the README. */
export const ProvenanceSchema = z
  .object({
    /** Clock difference tolerated between GitLab and AWS, both ends of every window. */
    clockSkewSeconds: z.number().int().min(0).max(3600).default(300),
    /**
     * The longest a token can live after its job started: GitLab sets `exp` at the job's timeout (5 min without
     * one); the default project timeout is 60 min. Raise it to your longest deploy-job timeout.
     */
    maxTokenLifetimeSeconds: z.number().int().min(300).max(2_592_000).default(3600),
    /** More pipelines than this on the ref in the window: unverified (CANDIDATES_OVER_BUDGET). */
    maxCandidatePipelines: z.number().int().min(1).max(99).default(10),
    /** Upstream levels read (GraphQL nesting); a deeper chain is unresolved. */
    maxChainDepth: z.number().int().min(1).max(10).default(4),
  })
  .strict();

// ---- end of provenance keys ----

export const ProductionRoleSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    /** Role ARN globs (`*` matches within an ARN, any account): arn:aws:iam::*:role/prod-deploy */
    roleArns: z.array(z.string().startsWith('arn:')).min(1),
    /** Issuers allowed for this role; default: all trusted issuers. */
    issuers: z.array(issuerUrl).min(1).optional(),
    /** Pinned numeric project IDs. Paths can be renamed and recycled; IDs cannot. */
    allowedProjectIds: z.array(z.number().int().positive()).min(1),
    /**
     * Optional: the project paths your IAM trust policy names (`project_path:acme/deploy:*`). When such a path now
     * resolves to a project that is not pinned, the path was renamed, transferred or recycled: PROJECT_ID_MISMATCH.
     */
    allowedProjectPaths: z.array(z.string().min(1)).default([]),
    /** `protected` (GitLab's protected branches/tags), or explicit names and globs (`main`, `release/*`). */
    allowedRefs: z.array(z.string().min(1)).min(1).default(['protected']),
    allowedRefTypes: z
      .array(z.enum(['branch', 'tag']))
      .min(1)
      .default(['branch', 'tag']),
    /** Hardened default: `push` only. Unknown sources are never allowed unless listed. */
    allowedPipelineSources: z.array(z.string().min(1)).min(1).default(['push']),
    /** Allowed `aud` values; required, pin a project-specific audience. */
    allowedAudiences: z.array(z.string().min(1)).min(1),
    severity: z.enum(['critical', 'high', 'medium', 'low']).default('critical'),
    // ---- provenance (issue 8) ----
    downstreamPipelines: DownstreamPipelinesSchema.prefault({}),
    /** Optional: facts the minting job must show (environment, protected environment, runner). */
    jobRequirements: JobRequirementsSchema.optional(),
    /**
     * Non-GitLab issuers (GitHub Actions...) allowed to assume this role; they are `ignored` for it. Any other
     * issuer the role does not name is UNTRUSTED_ISSUER, even one listed in ignoredIssuers.
     */
    allowedForeignIssuers: z.array(issuerUrl).default([]),
    // --- issue 9 (rel): severity routing ---------------------------------------------------------------------
    /**
     * Severity of this role's `unverified` verdicts (GitLab could not answer, session name unparsed...). Default:
     * the role's `severity`, so a subscription filtered to `critical` sees that a critical role could not be verified.
     */
    unverifiedSeverity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
    // ---------------------------------------------------------------------------------------------------------
  })
  .strict();

const awsRegion = z.string().regex(REGION_PATTERN, 'an AWS region such as us-east-1');

// ---- Adoption (issue 11) settings, kept in one block: Security Hub export, dashboard, VPC, organization rollout. ----

const accountId = z.string().regex(/^[0-9]{12}$/, 'a 12-digit account ID');

/** Where a service-managed StackSet deploys the forwarder: organizational units (or the root) and regions. */
const ForwarderStackSetSchema = z
  .object({
    /** `r-...` (the organization root: every account) or `ou-...` IDs. */
    targets: z
      .array(
        z
          .string()
          .regex(
            /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
            'an OU ID (ou-...) or root ID (r-...)',
          ),
      )
      .min(1),
    /** Every region whose STS endpoint pipelines call (us-east-1 for the global endpoint). */
    regions: z.array(awsRegion).min(1),
    /** Accounts inside the targets that get no forwarder (e.g. the security account, which has the main stack). */
    excludeAccounts: z.array(accountId).default([]),
    /** SELF from the management account; DELEGATED_ADMIN from a delegated StackSets administrator. */
    callAs: z.enum(['SELF', 'DELEGATED_ADMIN']).default('SELF'),
    maxConcurrentPercentage: z.number().int().min(1).max(100).default(25),
    failureTolerancePercentage: z.number().int().min(0).max(100).default(10),
  })
  .strict();

const AdoptionDeploymentShape = {
  /** Export `alert` and `unverified` verdicts to AWS Security Hub CSPM as ASFF findings. Off by default. */
  securityHub: z
    .object({ enabled: z.boolean().default(false) })
    .strict()
    .prefault({}),
  /** A CloudWatch dashboard: assumptions and verdicts by role, GitLab latency and errors, DLQ depth, unverified rate. */
  dashboard: z
    .object({ enabled: z.boolean().default(true) })
    .strict()
    .prefault({}),
  /** Run the functions in a VPC whose NAT gateways give them fixed egress IPs (self-managed GitLab behind a firewall). */
  vpc: z
    .object({
      enabled: z.boolean().default(false),
      cidr: z
        .string()
        .regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR from /16 to /24')
        .default('10.80.0.0/22'),
      maxAzs: z.number().int().min(1).max(3).default(2),
      /** One per AZ for resilience; 1 is cheaper and gives a single egress IP for the firewall allowlist. */
      natGateways: z.number().int().min(1).max(3).default(1),
    })
    .strict()
    .prefault({}),
  /** Organization mode from the config (the `-c organizationId=` context still works and must agree). */
  organization: z
    .object({
      organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an organization ID such as o-a1b2c3d4e5'),
      /** Forwarders for every account and region from one place: a service-managed CloudFormation StackSet. */
      forwarderStackSet: ForwarderStackSetSchema.optional(),
    })
    .strict()
    .optional(),
} as const;

/** Deployment settings: read by `cdk synth` only; the CLI ignores them. */
export const DeploymentSchema = z
  .object({
    /** Email addresses subscribed to the alert topic (they must confirm the subscription). */
    alertEmails: z.array(z.string().email()).default([]),
    /** Email addresses for the operations topic (dead letters, errors, unverified verdicts). */
    operationsEmails: z.array(z.string().email()).default([]),
    /** AWS Chatbot Slack channel; both IDs are needed. */
    slack: z
      .object({
        workspaceId: z.string().regex(/^[A-Z0-9]+$/, 'a Slack workspace ID such as T012ABCDE'),
        channelId: z.string().regex(/^[A-Z0-9]+$/, 'a Slack channel ID such as C012ABCDE'),
      })
      .strict()
      .optional(),
    /** Days before decision-log objects expire (transition to Glacier IR after 90 days when larger). */
    decisionLogRetentionDays: z.number().int().min(1).max(3650).default(400),
    logRetentionDays: z.number().int().min(1).max(3653).default(90),
    /** Function timeout, seconds; GitLab deadlines are kept well inside it. */
    functionTimeoutSeconds: z.number().int().min(10).max(900).default(60),
    /** Daily reconciliation of assumptions the live path missed; off by default. */
    reconcile: z
      .object({
        enabled: z.boolean().default(false),
        schedule: z.string().default('cron(17 3 * * ? *)'),
        lookbackHours: z.number().int().min(1).max(2160).default(48),
        regions: z.array(awsRegion).min(1).default(['us-east-1']),
        // --- issue 9 (rel): re-judging unverified verdicts -------------------------------------------------------
        /**
         * Events whose only verdicts are `unverified` are judged again by each run until one resolves, or until the
         * event is older than this many hours (then they are counted as aged out and left as they are).
         */
        unverifiedMaxAgeHours: z.number().int().min(1).max(2160).default(72),
        // -------------------------------------------------------------------------------------------------------
      })
      .strict()
      // prefault: an omitted section is parsed as {}, so the field defaults above apply (stated once).
      .prefault({}),
    // --- issue 9 (rel): alarms ----------------------------------------------------------------------------------
    /** Thresholds of the operations alarms. */
    alarms: z
      .object({
        /**
         * Alarm when more than this percentage of the production-role verdicts of 15 minutes are `unverified`
         * (GitLab unreachable, token revoked, rate limited...). 0 alarms on any unverified verdict.
         */
        unverifiedRatePercent: z.number().min(0).max(100).default(10),
      })
      .strict()
      .prefault({}),
    // -----------------------------------------------------------------------------------------------------------
    /** Athena over CloudTrail history: omitted means no Glue tables. */
    athena: z
      .object({
        cloudTrailBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
        /** Prefix before AWSLogs/, without slashes at either end; empty for none. */
        cloudTrailPrefix: z.string().default(''),
        /** Set for an organization trail (AWSLogs/<org-id>/<account>/CloudTrail/...). */
        organizationId: z
          .string()
          .regex(/^o-[a-z0-9]{10,32}$/, 'an organization ID such as o-a1b2c3d4e5')
          .optional(),
        accounts: z.array(z.string().regex(ACCOUNT_ID_PATTERN, 'a 12-digit account ID')).min(1),
        regions: z.array(awsRegion).min(1),
        /** Earliest date for partition projection, yyyy/MM/dd. */
        projectionStartDate: z
          .string()
          .regex(/^[0-9]{4}\/[0-9]{2}\/[0-9]{2}$/, 'yyyy/MM/dd')
          .default('2024/01/01'),
        bytesScannedCutoffPerQuery: z.number().int().min(10_000_000).default(10_000_000_000),
      })
      .strict()
      .optional(),

    // ---- Adoption (issue 11): where security teams look, networking, organization rollout --------------------
    ...AdoptionDeploymentShape,
  })
  .strict();

// ---- audit (issue 10) ------------------------------------------------------------------------------------------
// Trust-policy audit settings, read by `oidc-watch audit` and by the optional scheduled audit function of the stack.
const auditAccountId = z.string().regex(/^[0-9]{12}$/, 'a 12-digit account ID');

export const AuditSchema = z
  .object({
    /**
     * Name of the read-only role assumed in every audited account (iam:ListRoles). Without it, only the account of
     * the current credentials is read.
     */
    memberRoleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (letters, digits and +=,.@_- only, at most 64)')
      .optional(),
    /** Accounts to audit through memberRoleName. */
    accounts: z.array(auditAccountId).default([]),
    /** Also audit every ACTIVE account of the organization (Organizations ListAccounts: management or delegated admin). */
    organizationAccounts: z.boolean().default(false),
    /** Accounts to leave out (from `accounts` and from the organization's list). */
    excludeAccounts: z.array(auditAccountId).default([]),
    /** The scheduled audit in the stack: off by default; it publishes new or changed findings to the alert topic. */
    schedule: z
      .object({
        enabled: z.boolean().default(false),
        expression: z.string().min(1).default('cron(41 4 * * ? *)'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.accounts.length > 0 || a.organizationAccounts) && a.memberRoleName === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['memberRoleName'],
        message: 'required when accounts or organizationAccounts is set: the role to assume in each account',
      });
    }
  });

export type AuditSettings = z.output<typeof AuditSchema>;
// ---- end audit ---------------------------------------------------------------------------------------------------

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    trustedIssuers: z.array(TrustedIssuerSchema).min(1),
    /**
     * Issuers that are known not to be GitLab (GitHub Actions, EKS...). Their assumptions are `ignored`.
     * Any other untrusted issuer on a production role is an alert (UNTRUSTED_ISSUER).
     */
    ignoredIssuers: z.array(issuerUrl).default([]),
    // --- session-name patterns (issue 9): added to the defaults, never silently replacing them ---
    /**
     * Patterns ADDED to the built-in ones (pipeline-<id>, GitLabRunner-<project>-<pipeline>). A pattern with the
     * name of a built-in one replaces that one; `defaultSessionNamePatterns: false` drops the built-ins explicitly.
     * After parsing, this holds the patterns in effect, in the order they are tried.
     */
    sessionNamePatterns: z.array(SessionNamePatternSchema).default([]),
    /** Keep the built-in session-name patterns (default true). false: only `sessionNamePatterns` are used. */
    defaultSessionNamePatterns: z.boolean().default(true),
    // --- end session-name patterns ---
    productionRoles: z.array(ProductionRoleSchema).min(1),
    // ---- provenance (issue 8) ----
    provenance: ProvenanceSchema.prefault({}),
    deployment: DeploymentSchema.optional(),
    /** Trust-policy audit (`oidc-watch audit`, scheduled audit function); see AuditSchema. */
    audit: AuditSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const trusted = new Set(c.trustedIssuers.map((i) => i.issuer));
    c.productionRoles.forEach((r, i) => {
      r.issuers?.forEach((iss, j) => {
        if (!trusted.has(iss)) {
          ctx.addIssue({
            code: 'custom',
            path: ['productionRoles', i, 'issuers', j],
            message: `issuer ${iss} is not in trustedIssuers (${[...trusted].join(', ')})`,
          });
        }
      });
    });
    c.productionRoles.forEach((r, i) => {
      r.allowedForeignIssuers.forEach((iss, j) => {
        if (trusted.has(iss))
          ctx.addIssue({
            code: 'custom',
            path: ['productionRoles', i, 'allowedForeignIssuers', j],
            message: `issuer ${iss} is a trusted GitLab issuer: list it in issuers instead`,
          });
      });
    });
    const names = new Set<string>();
    c.productionRoles.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['productionRoles', i, 'name'],
          message: `duplicate role name ${r.name}`,
        });
      names.add(r.name);
    });
    const patternNames = new Set<string>();
    c.sessionNamePatterns.forEach((p, i) => {
      if (patternNames.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['sessionNamePatterns', i, 'name'],
          message: `duplicate pattern name ${p.name}`,
        });
      patternNames.add(p.name);
    });
    if (!c.defaultSessionNamePatterns && c.sessionNamePatterns.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['sessionNamePatterns'],
        message: 'defaultSessionNamePatterns is false, so at least one pattern is needed',
      });
  })
  .transform((c) => ({ ...c, sessionNamePatterns: effectiveSessionNamePatterns(c) }));

/**
 * The built-in patterns (unless switched off), with a configured pattern of the same name in place of the built-in
 * one, then the other configured patterns in their order. Idempotent, so a parsed config parses to itself.
 */
function effectiveSessionNamePatterns(c: {
  sessionNamePatterns: SessionNamePattern[];
  defaultSessionNamePatterns: boolean;
}): SessionNamePattern[] {
  if (!c.defaultSessionNamePatterns) return c.sessionNamePatterns;
  const configured = new Map(c.sessionNamePatterns.map((p) => [p.name, p]));
  const defaults = DEFAULT_SESSION_NAME_PATTERNS.map((d) => configured.get(d.name) ?? { ...d });
  const defaultNames = new Set(DEFAULT_SESSION_NAME_PATTERNS.map((d) => d.name));
  return [...defaults, ...c.sessionNamePatterns.filter((p) => !defaultNames.has(p.name))];
}

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type TrustedIssuer = z.output<typeof TrustedIssuerSchema>;
export type ProductionRole = z.output<typeof ProductionRoleSchema>;
export type SessionNamePattern = z.output<typeof SessionNamePatternSchema>;
export type Deployment = z.output<typeof DeploymentSchema>;
export type ProvenanceSettings = z.output<typeof ProvenanceSchema>;
export type JobRequirements = z.output<typeof JobRequirementsSchema>;
export type TokenSource = NonNullable<TrustedIssuer['token']>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** Validates a parsed config value. Throws ConfigError naming the first bad key; `origin` names the file. */
export function parseConfig(value: unknown, origin = 'config'): Config {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const key = first ? formatPath(first.path) : '';
  const lines = issues.map((i) => `  ${formatPath(i.path) || '(root)'}: ${i.message}`);
  throw new ConfigError(`${origin}: invalid configuration\n${lines.join('\n')}`, key);
}

/** JSON Schema for editors and `$schema` references. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
