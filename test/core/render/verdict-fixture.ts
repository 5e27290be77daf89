/** A realistic, redacted verdict to render (an unprotected feature branch got the production role). */
import type { Verdict } from '../../../lib/core/verdict';

export function makeVerdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    eventId: '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
    eventTime: '2025-04-16T02:46:56Z',
    accountId: '123456789012',
    region: 'us-east-1',
    roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
    roleSessionName: 'pipeline-1234567890',
    subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/quick-fix',
    issuer: 'https://gitlab.com',
    audience: 'https://gitlab.com',
    sourceIp: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#5.15.0-1057-aws',
    errorCode: null,
    verdict: 'alert',
    severity: 'critical',
    policy: 'prod-deploy',
    reason: null,
    findings: [
      {
        code: 'UNPROTECTED_REF',
        class: 'alert',
        severity: 'critical',
        message: "branch 'feature/quick-fix' is not protected in project 4242",
      },
    ],
    pipeline: {
      id: 1234567890,
      projectId: 4242,
      ref: 'feature/quick-fix',
      source: 'push',
      status: 'success',
      username: 'mallory',
      webUrl: 'https://gitlab.com/acme/deploy/-/pipelines/1234567890',
      createdAt: '2025-04-16T04:45:12.000+02:00',
    },
    projectId: 4242,
    evaluatedAt: '2025-04-16T02:47:03.120Z',
    ...overrides,
  };
}
