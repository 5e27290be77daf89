import { classifyCoverage, type DeployedRule, matchesWebIdentity } from '../../lib/core/coverage';

const CENTRAL = 'arn:aws:events:us-east-1:111111111111:event-bus/GitLabOidcWatch-organization';
const PATTERN = JSON.stringify({
  source: ['aws.sts'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
});

function rule(overrides: Partial<DeployedRule> = {}): DeployedRule {
  return {
    name: 'GitLabOidcWatchForwarder-Rule',
    state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    eventPattern: PATTERN,
    targetArns: [CENTRAL],
    ...overrides,
  };
}

describe('matchesWebIdentity', () => {
  it('accepts the forwarder pattern and a pattern with no eventName filter on aws.sts', () => {
    expect(matchesWebIdentity(PATTERN)).toBe(true);
    expect(matchesWebIdentity(JSON.stringify({ source: ['aws.sts'] }))).toBe(true);
  });

  it('rejects other sources, other event names, bad JSON and no pattern (scheduled rules)', () => {
    expect(matchesWebIdentity(JSON.stringify({ source: ['aws.ec2'] }))).toBe(false);
    expect(
      matchesWebIdentity(JSON.stringify({ source: ['aws.sts'], detail: { eventName: ['AssumeRole'] } })),
    ).toBe(false);
    expect(matchesWebIdentity('{not json')).toBe(false);
    expect(matchesWebIdentity(null)).toBe(false);
  });
});

describe('classifyCoverage', () => {
  it('is forwarding when a rule in the read-only management state targets the central bus', () => {
    expect(classifyCoverage([rule()], CENTRAL)).toEqual({
      status: 'forwarding',
      rule: 'GitLabOidcWatchForwarder-Rule',
      detail: `to ${CENTRAL}`,
    });
  });

  it('is local when the rule targets a function (the stack deployed in that account)', () => {
    const fn = 'arn:aws:lambda:eu-west-1:222222222222:function:GitLabOidcWatch-Correlator';
    expect(classifyCoverage([rule({ targetArns: [fn] })], CENTRAL).status).toBe('local');
  });

  it('is wrong-state for a rule in plain ENABLED: it never receives AssumeRoleWithWebIdentity', () => {
    const cell = classifyCoverage([rule({ state: 'ENABLED' })], CENTRAL);
    expect(cell.status).toBe('wrong-state');
    expect(cell.detail).toContain('state ENABLED');
  });

  it('is wrong-target when the rule forwards to another bus than the central one', () => {
    const other = 'arn:aws:events:us-east-1:333333333333:event-bus/elsewhere';
    expect(classifyCoverage([rule({ targetArns: [other] })], CENTRAL)).toMatchObject({
      status: 'wrong-target',
    });
    // Without a central bus to compare with, any bus counts.
    expect(classifyCoverage([rule({ targetArns: [other] })]).status).toBe('forwarding');
  });

  it('is missing when no rule selects the event, and the best rule wins when several do', () => {
    expect(
      classifyCoverage([rule({ eventPattern: JSON.stringify({ source: ['aws.s3'] }) })], CENTRAL).status,
    ).toBe('missing');
    expect(classifyCoverage([rule({ name: 'old', state: 'DISABLED' }), rule()], CENTRAL).rule).toBe(
      'GitLabOidcWatchForwarder-Rule',
    );
  });
});
