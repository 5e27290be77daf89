/**
 * Issue 8 benchmark: GitLab requests per production assumption, on a corpus shaped like real CI (pipelines on main and
 * feature branches, each deploy job assuming the role while it runs) and on a 20-job deploy burst (one pipeline,
 * 20 jobs assuming the role within a minute). Two cache lifetimes: one cache for the whole run (CLI, hunt), and a
 * fresh cache per assumption (a Lambda invocation per event). Figures only; run the same file on an older checkout
 * for the "before" column (it uses only the engine and the stand-in; older checkouts import buildEngine from
 * functions/cli/engine).
 */
import { normalizeRecord } from '../lib/core/cloudtrail';
import { parseConfig } from '../lib/core/config';
import type { SourceItem } from '../lib/core/source';
import { buildEngine } from '../lib/composition';
import { judgeSource } from '../functions/cli/judge';
import { emptyCounts } from '../functions/cli/output';
import { makeWebIdentityRecord } from '../tools/cloudtrail-records';
import { startGitLabStandin, type StandinData } from '../tools/gitlab-standin';
import { fmt, fromArray, printSection } from './common';

const ACCOUNT = '123456789012';
const T0 = Date.parse('2026-11-20T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Corpus {
  readonly data: StandinData;
  readonly items: SourceItem[];
}

function item(i: number, eventMs: number, session: string, path: string, ref: string): SourceItem {
  const raw = makeWebIdentityRecord({
    eventId: `prov-${i}`,
    eventTime: iso(eventMs).replace('.000Z', 'Z'),
    roleArn: `arn:aws:iam::${ACCOUNT}:role/prod-deploy`,
    roleSessionName: session,
    subject: `project_path:${path}:ref_type:branch:ref:${ref}`,
  });
  const r = normalizeRecord(raw, { source: 'bench', record: i + 1 });
  if (r.kind !== 'assumption') throw new Error('bench record was skipped');
  return { kind: 'assumption', assumption: r.assumption, source: 'bench', record: i + 1 };
}

/** 5 projects x 20 pipelines, one every 10 minutes per project (3 of 4 on main), 10 assumptions each while it runs. */
function ciCorpus(): Corpus {
  const data: StandinData = { projects: [], pipelines: [] };
  const items: SourceItem[] = [];
  for (let p = 0; p < 5; p += 1) {
    const path = `acme/service-${p}`;
    data.projects.push({
      id: 101 + p,
      path_with_namespace: path,
      protected_branches: ['main', 'release/*'],
      branches: ['main'],
    });
    for (let k = 0; k < 20; k += 1) {
      const created = T0 + k * 600_000 + p * 7_000;
      const id = 7000 + p * 100 + k;
      const ref = k % 4 === 0 ? `feature/f-${k}` : 'main';
      data.pipelines.push({
        id,
        project_id: 101 + p,
        ref,
        source: 'push',
        status: 'success',
        created_at: iso(created),
        updated_at: iso(created + 180_000),
        finished_at: iso(created + 180_000),
      });
      for (let e = 0; e < 10; e += 1)
        items.push(item(items.length, created + 30_000 + e * 10_000, `pipeline-${id}`, path, ref));
    }
  }
  return { data, items };
}

/** One pipeline on main whose 20 deploy jobs (one per account) assume the role within a minute. */
function burstCorpus(): Corpus {
  const created = T0;
  const jobs = Array.from({ length: 20 }, (_, j) => ({
    id: 90_000 + j,
    name: `deploy-${j}`,
    started_at: iso(created + 60_000 + j * 2_000),
    finished_at: iso(created + 240_000),
    runner: { id: 51, runner_type: 'project_type' as const },
  }));
  const data: StandinData = {
    projects: [
      { id: 101, path_with_namespace: 'acme/platform', protected_branches: ['main'], branches: ['main'] },
    ],
    pipelines: [
      // The previous deploy on main, an hour earlier: still listed, its jobs read once.
      {
        id: 8000,
        project_id: 101,
        ref: 'main',
        source: 'push',
        status: 'success',
        created_at: iso(created - 3_000_000),
        updated_at: iso(created - 2_800_000),
        finished_at: iso(created - 2_800_000),
      },
      {
        id: 8001,
        project_id: 101,
        ref: 'main',
        source: 'push',
        status: 'success',
        created_at: iso(created),
        updated_at: iso(created + 240_000),
        finished_at: iso(created + 240_000),
        jobs,
      },
    ],
  };
  const items = jobs.map((j, i) =>
    item(i, created + 65_000 + i * 2_500, 'pipeline-8001', 'acme/platform', 'main'),
  );
  return { data, items };
}

const config = (apiUrl: string) =>
  parseConfig({
    trustedIssuers: [
      {
        issuer: 'https://gitlab.com',
        apiUrl,
        token: { env: 'GITLAB_TOKEN' },
        concurrency: 8,
        lookupTimeoutMs: 10_000,
        maxRetries: 1,
      },
    ],
    productionRoles: [
      {
        name: 'prod',
        roleArns: ['arn:aws:iam::*:role/prod-*'],
        allowedProjectIds: [101, 102, 103, 104, 105],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
  });

async function measure(corpus: Corpus, perEventCache: boolean) {
  const gitlab = await startGitLabStandin({ data: corpus.data });
  try {
    const counts = emptyCounts();
    const handlers = { onVerdict: () => undefined, onError: () => undefined };
    const build = () =>
      buildEngine(config(gitlab.apiUrl), { env: { GITLAB_TOKEN: gitlab.token }, cache: true });
    if (perEventCache) {
      for (const it of corpus.items) await judgeSource(fromArray([it]), await build(), counts, handlers, 1);
    } else {
      await judgeSource(fromArray(corpus.items), await build(), counts, handlers, 16);
    }
    const v = counts.verdicts;
    return {
      requests: gitlab.requestCount(),
      events: corpus.items.length,
      verdicts: `${v.ok} ok, ${v.alert} alert, ${v.unverified} unverified`,
    };
  } finally {
    await gitlab.close();
  }
}

export async function benchProvenance(): Promise<void> {
  const rows = [];
  for (const [name, corpus] of [
    ['CI corpus (1,000 assumptions, 100 pipelines, 5 projects)', ciCorpus()],
    ['20-job burst (one pipeline)', burstCorpus()],
  ] as const) {
    for (const perEvent of [false, true]) {
      const m = await measure(corpus, perEvent);
      rows.push({
        label: `${name}, ${perEvent ? 'fresh cache per assumption (Lambda)' : 'one cache for the run (CLI/hunt)'}`,
        value: `${fmt(m.requests / m.events, 2)} requests/assumption (${fmt(m.requests)} for ${fmt(m.events)}); ${m.verdicts}`,
      });
    }
  }
  printSection('Provenance: GitLab requests per production assumption', rows);
}

if (require.main === module) {
  benchProvenance().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
