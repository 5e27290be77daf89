import { parseConfig } from '../../lib/core/config';
import { judgeSelfCheck, type IssuerProbes } from '../../lib/core/self-check';

const config = parseConfig({
  trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
  productionRoles: [
    { name: 'a', roleArns: ['arn:aws:iam::*:role/a'], allowedProjectIds: [42], allowedAudiences: ['x'] },
  ],
});

function probes(project: IssuerProbes['projects'][number]['probe']): IssuerProbes {
  return {
    issuer: 'https://gitlab.com',
    apiUrl: 'https://gitlab.com/api/v4',
    token: { state: 'set' },
    version: { status: 'ok', value: { version: '18.6.1' } },
    tokenInfo: { status: 'ok', value: { scopes: ['read_api'], active: true } },
    projects: [{ id: 42, probe: project }],
  };
}

describe('judgeSelfCheck on pinned projects', () => {
  it('says PROJECT_NOT_VISIBLE when GitLab answers 404', () => {
    const report = judgeSelfCheck(config, [
      probes({ status: 'http', code: 404, detail: '404 Project Not Found' }),
    ]);
    expect(report.findings.map((f) => f.code)).toEqual(['PROJECT_NOT_VISIBLE']);
  });

  it('calls a 5xx or no answer an outage (API_UNREACHABLE), not an invisible project', () => {
    for (const probe of [
      { status: 'http', code: 503, detail: 'Service Unavailable' } as const,
      { status: 'unreachable', detail: 'timed out' } as const,
    ]) {
      const report = judgeSelfCheck(config, [probes(probe)]);
      expect(report.findings.map((f) => f.code)).toEqual(['API_UNREACHABLE']);
    }
  });

  it('is healthy when every probe answered', () => {
    const report = judgeSelfCheck(config, [probes({ status: 'ok', value: { path: 'g/p' } })]);
    expect(report).toEqual({ findings: [], errors: 0, healthyIssuers: ['https://gitlab.com'] });
  });
});
