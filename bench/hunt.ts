/**
 * Issues 4 and 12: `oidc-watch hunt --source files` over generated gzip CloudTrail log files (about 1 GB
 * uncompressed, 1% AssumeRoleWithWebIdentity), with its file reader threads (one per core) and on one thread, next to
 * Node's own zlib decompressing the same files (one thread) and `zcat`, in the same run. Targets: at least half of
 * Node's zlib throughput, peak memory under 300 MB with 2 workers. The corpus is generated once into .bench/
 * (git-ignored) and reused.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StandinData } from '../tools/gitlab-standin';
import { makeWebIdentityRecord } from '../tools/cloudtrail-records';
import { fmt, printSection } from './common';
import { startRemoteStandin } from './remote-standin';

const ROOT = join(__dirname, '..');
const CORPUS_VERSION = 'v3';
const TARGET_BYTES = Number(process.env.BENCH_HUNT_BYTES ?? 1_000_000_000);
const RECORDS_PER_FILE = 4000;
const ACCOUNT = '123456789012';

const GITLAB: StandinData = {
  projects: [
    {
      id: 4242,
      path_with_namespace: 'acme/platform/deploy',
      protected_branches: ['main', 'release/*'],
      protected_tags: ['v*'],
    },
  ],
  pipelines: Array.from({ length: 40 }, (_, i) => ({
    id: 910000 + i,
    project_id: 4242,
    ref: i % 5 === 0 ? `feature/f${i}` : 'main',
    source: i % 7 === 0 ? 'trigger' : 'push',
  })),
};

function otherRecord(i: number, day: string): string {
  const kind = i % 4;
  const [source, name] =
    kind === 0
      ? ['s3.amazonaws.com', 'GetObject']
      : kind === 1
        ? ['kms.amazonaws.com', 'Decrypt']
        : kind === 2
          ? ['sts.amazonaws.com', 'AssumeRole']
          : ['ec2.amazonaws.com', 'DescribeInstances'];
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:app-${i % 97}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-${i % 13}/session-${i % 97}`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: `arn:aws:iam::${ACCOUNT}:role/app-${i % 13}`,
          accountId: ACCOUNT,
          userName: `app-${i % 13}`,
        },
        attributes: { creationDate: `${day}T08:00:00Z`, mfaAuthenticated: 'false' },
      },
    },
    eventTime: `${day}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}Z`,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: `192.0.2.${i % 250}`,
    userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#22.11.0',
    requestParameters: {
      bucketName: 'example-data',
      key: `objects/${randomBytes(6).toString('base64url')}/${i}.json`,
      Host: 'example-data.s3.amazonaws.com',
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      bytesTransferredOut: 1024 + i,
    },
    // Random IDs and keys as in real trails (they make gzip ratios realistic, ~10x rather than ~30x).
    requestID: randomBytes(8).toString('hex').toUpperCase(),
    eventID: randomUUID(),
    readOnly: true,
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::example-data/objects/${i}/payload.json` }],
    eventType: 'AwsApiCall',
    managementEvent: kind !== 0,
    recipientAccountId: ACCOUNT,
    eventCategory: kind === 0 ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'example-data.s3.amazonaws.com',
    },
  });
}

function webIdentityRecord(n: number, day: string): string {
  const i = Math.floor(n / 100); // the i-th web-identity record of the corpus
  const pipeline = 910000 + (i % 40);
  const production = i % 2 === 0;
  return JSON.stringify(
    makeWebIdentityRecord({
      eventId: `11111111-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
      eventTime: `${day}T12:00:00Z`,
      roleArn: production
        ? `arn:aws:iam::${ACCOUNT}:role/prod-deploy`
        : `arn:aws:iam::${ACCOUNT}:role/ci-cache-writer`,
      roleSessionName: `pipeline-${pipeline}`,
      subject: `project_path:acme/platform/deploy:ref_type:branch:ref:${GITLAB.pipelines[i % 40]?.ref ?? 'main'}`,
    }),
  );
}

/** Generates (or reuses) the corpus; returns its directory, file count and uncompressed bytes. */
function ensureCorpus(): { dir: string; files: number; bytes: number; compressed: number } {
  const dir = join(ROOT, '.bench', `hunt-corpus-${CORPUS_VERSION}-${TARGET_BYTES}`);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest))
    return JSON.parse(readFileSync(manifest, 'utf8')) as {
      dir: string;
      files: number;
      bytes: number;
      compressed: number;
    };
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `  generating ~${fmt(TARGET_BYTES / 1e6)} MB of gzip CloudTrail log files in ${dir} (once)...\n`,
  );
  let bytes = 0;
  let compressed = 0;
  let files = 0;
  let n = 0;
  while (bytes < TARGET_BYTES) {
    const day = `2026-11-${String(1 + (files % 28)).padStart(2, '0')}`;
    const records: string[] = [];
    for (let k = 0; k < RECORDS_PER_FILE; k += 1, n += 1)
      records.push(n % 100 === 0 ? webIdentityRecord(n, day) : otherRecord(n, day));
    const text = `{"Records":[${records.join(',')}]}`;
    const sub = join(dir, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', ...day.split('-'));
    mkdirSync(sub, { recursive: true });
    const gz = gzipSync(text, { level: 6 });
    writeFileSync(
      join(
        sub,
        `${ACCOUNT}_CloudTrail_us-east-1_${day.replace(/-/g, '')}T${String(files).padStart(5, '0')}Z_bench.json.gz`,
      ),
      gz,
    );
    bytes += Buffer.byteLength(text);
    compressed += gz.length;
    files += 1;
  }
  const info = { dir, files, bytes, compressed };
  writeFileSync(manifest, JSON.stringify(info));
  return info;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.name.endsWith('.gz')) out.push(p);
  }
  return out.sort();
}

function run(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ ms: number; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: env ?? process.env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, stderr, code }));
  });
}

export interface HuntFigures {
  readonly huntMBps: number;
  readonly huntSingleThreadMBps: number;
  readonly gunzipMBps: number;
  readonly zcatMBps: number;
  readonly huntVsGunzip: number;
  readonly huntPeakRssMB: number;
  readonly huntWorkers: number;
}

/** Node's zlib alone over the same files, on this thread: read each file and gunzip it in one call. */
function gunzipAllMs(files: readonly string[]): number {
  const start = performance.now();
  let bytes = 0;
  for (const f of files) bytes += gunzipSync(readFileSync(f)).length;
  if (bytes === 0) throw new Error('empty corpus');
  return performance.now() - start;
}

function rssOf(stderr: string): number {
  return Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
}

export async function benchHunt(): Promise<HuntFigures> {
  const corpus = ensureCorpus();
  const files = listFiles(join(corpus.dir, 'AWSLogs'));
  const gitlab = await startRemoteStandin(GITLAB, 0);
  const configPath = join(ROOT, '.bench', 'hunt-config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      trustedIssuers: [
        { issuer: 'https://gitlab.com', apiUrl: gitlab.apiUrl, token: { env: 'GITLAB_TOKEN' } },
      ],
      productionRoles: [
        {
          name: 'prod-deploy',
          roleArns: ['arn:aws:iam::*:role/prod-deploy'],
          allowedProjectIds: [4242],
          allowedAudiences: ['https://gitlab.com'],
        },
      ],
    }),
  );
  try {
    // zcat of the same files, output discarded: the baseline (decompression alone, C).
    const zcat = await run('sh', ['-c', `cat ${files.map((f) => `'${f}'`).join(' ')} | zcat > /dev/null`]);
    // The hunt, as a user runs it, in its own process; /usr/bin/time reports its peak resident memory.
    const cli = join(ROOT, 'bin', 'oidc-watch.js');
    const hunt = (workers: number | undefined) =>
      run(
        '/usr/bin/time',
        [
          '-f',
          'maxrss_kb=%M',
          process.execPath,
          cli,
          'hunt',
          '--source',
          'files',
          '--config',
          configPath,
          '--format',
          'json',
          ...(workers === undefined ? [] : ['--workers', String(workers)]),
          join(corpus.dir, 'AWSLogs'),
        ],
        { ...process.env, GITLAB_TOKEN: gitlab.token },
      );
    const gunzipMs = Math.min(gunzipAllMs(files), gunzipAllMs(files));
    const parallel = await hunt(undefined);
    const single = await hunt(0);
    const zcatAgain = await run('sh', [
      '-c',
      `cat ${files.map((f) => `'${f}'`).join(' ')} | zcat > /dev/null`,
    ]);
    const zcatMs = Math.min(zcat.ms, zcatAgain.ms);
    const summary =
      /summary: .*/.exec(parallel.stderr)?.[0] ??
      `(no summary; exit ${String(parallel.code)}: ${parallel.stderr.slice(0, 400)})`;
    const mbps = (ms: number) => corpus.bytes / 1e6 / (ms / 1000);
    const workers = availableParallelism();
    const figures: HuntFigures = {
      huntMBps: mbps(parallel.ms),
      huntSingleThreadMBps: mbps(single.ms),
      gunzipMBps: mbps(gunzipMs),
      zcatMBps: mbps(zcatMs),
      huntVsGunzip: gunzipMs / parallel.ms,
      huntPeakRssMB: rssOf(parallel.stderr),
      huntWorkers: workers,
    };
    printSection(
      `Hunt over local files: ${corpus.files} gzip log files, ${fmt(corpus.bytes / 1e6)} MB uncompressed (${fmt(corpus.compressed / 1e6)} MB gzip), 1% web-identity`,
      [
        {
          label: "Node's zlib gunzip alone, one thread (baseline)",
          value: `${fmt(gunzipMs)} ms, ${fmt(figures.gunzipMBps)} MB/s`,
        },
        { label: 'zcat (best of 2)', value: `${fmt(zcatMs)} ms, ${fmt(figures.zcatMBps)} MB/s` },
        {
          label: `oidc-watch hunt --source files (${workers} worker threads)`,
          value: `${fmt(parallel.ms)} ms, ${fmt(figures.huntMBps)} MB/s (exit ${String(parallel.code)})`,
        },
        {
          label: 'oidc-watch hunt --source files --workers 0 (one thread)',
          value: `${fmt(single.ms)} ms, ${fmt(figures.huntSingleThreadMBps)} MB/s (exit ${String(single.code)}); workers ${fmt(single.ms / parallel.ms, 2)}x faster`,
        },
        {
          label: 'throughput ratio hunt / Node zlib gunzip',
          value: fmt(figures.huntVsGunzip, 2),
          target: '>= 0.50',
          meets: figures.huntVsGunzip >= 0.5,
        },
        {
          label: `hunt peak memory (max RSS, ${workers} workers)`,
          value: `${fmt(figures.huntPeakRssMB)} MB (one thread: ${fmt(rssOf(single.stderr))} MB)`,
          target: '< 300 MB',
          meets: figures.huntPeakRssMB < 300,
        },
        { label: 'hunt summary', value: summary },
      ],
    );
    return figures;
  } finally {
    await gitlab.close();
  }
}
