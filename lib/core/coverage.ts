/**
 * Organization coverage: for one account and region, do the EventBridge rules deployed there hand
 * AssumeRoleWithWebIdentity events to the service? Pure: the adapter (lib/adapters/coverage.ts) reads the rules.
 *
 * What counts: a rule whose pattern matches CloudTrail's AssumeRoleWithWebIdentity events (source aws.sts), in state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (a rule in plain ENABLED never receives this read-only management
 * event), with a target that is the central bus (forwarder) or a Lambda function (the service deployed locally).
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */

/** A rule as EventBridge ListRules and ListTargetsByRule describe it. */
export interface DeployedRule {
  readonly name: string;
  readonly state: string | null;
  /** The pattern as the JSON text EventBridge returns. */
  readonly eventPattern: string | null;
  readonly targetArns: readonly string[];
}

export type CoverageStatus =
  'forwarding' | 'local' | 'wrong-target' | 'wrong-state' | 'missing' | 'unreadable' | 'excluded';

export interface CoverageCell {
  readonly status: CoverageStatus;
  readonly rule: string | null;
  readonly detail: string;
}

export interface CoverageRow extends CoverageCell {
  readonly accountId: string;
  readonly accountName: string;
  readonly region: string;
}

/** Statuses under which AssumeRoleWithWebIdentity events of that account and region reach a verdict. */
export const COVERED: ReadonlySet<CoverageStatus> = new Set(['forwarding', 'local', 'excluded']);

export const READ_ONLY_MANAGEMENT_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether a pattern selects AssumeRoleWithWebIdentity calls from CloudTrail (no eventName filter also selects them). */
export function matchesWebIdentity(eventPattern: string | null): boolean {
  if (eventPattern === null) return false;
  let pattern: unknown;
  try {
    pattern = JSON.parse(eventPattern);
  } catch (error) {
    if (error instanceof SyntaxError) return false;
    throw error;
  }
  if (typeof pattern !== 'object' || pattern === null) return false;
  const { source, detail } = pattern as Record<string, unknown>;
  if (!asStrings(source).includes('aws.sts')) return false;
  if (typeof detail !== 'object' || detail === null) return true;
  const eventName = (detail as Record<string, unknown>).eventName;
  return eventName === undefined || asStrings(eventName).includes('AssumeRoleWithWebIdentity');
}

const RANK: Readonly<Record<CoverageStatus, number>> = {
  forwarding: 6,
  local: 5,
  excluded: 4,
  'wrong-target': 3,
  'wrong-state': 2,
  unreadable: 1,
  missing: 0,
};

function judgeRule(rule: DeployedRule, centralBusArn: string | undefined): CoverageCell {
  if (rule.state !== READ_ONLY_MANAGEMENT_STATE) {
    return {
      status: 'wrong-state',
      rule: rule.name,
      detail: `state ${rule.state ?? 'unknown'}: read-only management events such as AssumeRoleWithWebIdentity are never delivered`,
    };
  }
  const buses = rule.targetArns.filter((arn) => arn.includes(':event-bus/'));
  if (buses.some((arn) => centralBusArn === undefined || arn === centralBusArn)) {
    const bus = centralBusArn ?? buses[0] ?? '';
    return { status: 'forwarding', rule: rule.name, detail: `to ${bus}` };
  }
  const lambda = rule.targetArns.find((arn) => arn.includes(':lambda:'));
  if (lambda !== undefined) return { status: 'local', rule: rule.name, detail: `to ${lambda}` };
  return {
    status: 'wrong-target',
    rule: rule.name,
    detail: `targets ${rule.targetArns.join(', ') || 'nothing'}${centralBusArn ? `, not ${centralBusArn}` : ''}`,
  };
}

/** The best of the account/region's web-identity rules decides; none means `missing`. */
export function classifyCoverage(rules: readonly DeployedRule[], centralBusArn?: string): CoverageCell {
  let best: CoverageCell = {
    status: 'missing',
    rule: null,
    detail: 'no rule matches AssumeRoleWithWebIdentity on the default bus',
  };
  for (const rule of rules) {
    if (!matchesWebIdentity(rule.eventPattern)) continue;
    const cell = judgeRule(rule, centralBusArn);
    if (RANK[cell.status] > RANK[best.status]) best = cell;
  }
  return best;
}
