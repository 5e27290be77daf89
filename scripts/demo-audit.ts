/**
 * The audit part of `npm run demo`: `oidc-watch audit --from` over the bundled, redacted account file
 * (examples/audit/account-123456789012.json) with the demo's policy and GitLab stand-in, the table, and one
 * suggested trust policy in full. Returns whether every role got the status the sample was written to show.
 */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { renderAuditTable } from '../functions/cli/audit-output';
import { main } from '../functions/cli/main';
import type { RoleReport, RoleStatus } from '../lib/core/trust-policy/audit';

export const AUDIT_SAMPLE = join(__dirname, '..', 'examples', 'audit', 'account-123456789012.json');

/** What each role of the sample demonstrates. */
const EXPECTED: Readonly<Record<string, RoleStatus>> = {
  'prod-deploy': 'exposed',
  'prod-payments-deployer': 'exposed',
  'ci-cache-writer': 'exposed',
  'legacy-tools-deployer': 'exposed',
  'vendor-scanner-role': 'exposed',
  'release-notes-publisher': 'review',
  'deploy-preview-reader': 'hardened',
};

export async function demoAudit(
  configPath: string,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<boolean> {
  out.write(`$ oidc-watch audit --config ${configPath} --from ${AUDIT_SAMPLE}\n`);
  let json = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => {
    json += chunk.toString('utf8');
  });
  const code = await main(['audit', '--config', configPath, '--format', 'json', '--from', AUDIT_SAMPLE], {
    stdin: new PassThrough(),
    stdout,
    stderr: process.stderr,
    env,
    cwd: process.cwd(),
  });
  const reports = json
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RoleReport);
  out.write(`(exit status ${code}: 1 means at least one role is exposed)\n\n`);
  out.write(renderAuditTable(reports, out.isTTY === true));
  const prod = reports.find((r) => r.roleName === 'prod-deploy');
  if (prod?.suggestedTrustPolicy) {
    out.write(`\nSuggested trust policy for prod-deploy (for review, never applied):\n`);
    out.write(`${JSON.stringify(prod.suggestedTrustPolicy, null, 2)}\n`);
  }
  const wrong = Object.entries(EXPECTED).filter(
    ([name, status]) => reports.find((r) => r.roleName === name)?.status !== status,
  );
  for (const [name, status] of wrong) out.write(`  FAIL  ${name}: expected ${status}\n`);
  return code === 1 && wrong.length === 0;
}
