/**
 * Building blocks of the fault soak: a seeded random source (a failing run can be replayed with its seed), the
 * delivery plan (distinct events, EventBridge duplicates, malformed events), GitLab flapping through the stand-in's
 * fault API, and SNS faults for the fault proxy.
 */
import type { GitLabStandin, StandinFault } from '../../../tools/gitlab-standin';
import type { WebIdentityRecordFixture } from '../../../tools/cloudtrail-records';
import type { ProxyFault } from './fault-proxy';
import { cloudTrailTime, eventFor, scenarioRecord } from './scenario';

/** mulberry32: small, fast, good enough to shuffle a test plan; the seed is printed with the figures. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export interface PlanOptions {
  readonly events: number;
  readonly pipelines: { readonly first: number; readonly count: number };
  /** Share of events EventBridge delivers three times. */
  readonly tripleShare: number;
  /** Share of events delivered twice. */
  readonly doubleShare: number;
  /** Malformed deliveries: half with a broken EventBridge envelope, half with a broken CloudTrail record. */
  readonly malformed: number;
  /**
   * When pipeline `id` was created: its one job runs from 2 s after that for 95 s (the stand-in's default), and a
   * token can only have been minted by a job running at the event time (provenance), so each event falls inside it.
   */
  readonly pipelineStart: (id: number) => Date;
}

export interface Delivery {
  /** The CloudTrail eventID, or null for a malformed envelope. */
  readonly eventId: string | null;
  readonly malformed: boolean;
  readonly event: unknown;
}

export interface Plan {
  readonly records: WebIdentityRecordFixture[];
  /** Records in CloudTrail's history (the valid ones and the malformed-record ones): what reconcile reads. */
  readonly history: unknown[];
  readonly deliveries: Delivery[];
  readonly duplicates: number;
  readonly triples: number;
}

function brokenRecord(random: () => number, eventTime: string, pipelineId: number): WebIdentityRecordFixture {
  // A CloudTrail shape change: the role moved out of requestParameters.
  const record = scenarioRecord(uuid(random), pipelineId, eventTime);
  const broken = record as unknown as { requestParameters?: unknown; request?: unknown };
  broken.request = broken.requestParameters;
  delete broken.requestParameters;
  return record;
}

/** Every delivery in the order EventBridge hands them over: shuffled, half of the duplicates close together. */
export function buildPlan(random: () => number, o: PlanOptions): Plan {
  const slots: Array<{ at: number; delivery: Delivery }> = [];
  const records: WebIdentityRecordFixture[] = [];
  const history: unknown[] = [];
  const pipeline = (): number => o.pipelines.first + Math.floor(random() * o.pipelines.count);
  // 10 to 80 s after the pipeline's creation: while its job runs.
  const eventTime = (id: number): string =>
    cloudTrailTime(new Date(o.pipelineStart(id).getTime() + (10 + Math.floor(random() * 70)) * 1_000));
  const event = (eventId: string): WebIdentityRecordFixture => {
    const id = pipeline();
    return scenarioRecord(eventId, id, eventTime(id));
  };
  let duplicates = 0;
  let triples = 0;
  for (let i = 0; i < o.events; i++) {
    const record = event(uuid(random));
    records.push(record);
    history.push(record);
    const at = random();
    const roll = random();
    const copies = roll < o.tripleShare ? 3 : roll < o.tripleShare + o.doubleShare ? 2 : 1;
    if (copies === 3) triples += 1;
    duplicates += copies - 1;
    for (let c = 0; c < copies; c++) {
      const near = c > 0 && random() < 0.5;
      const delivery = { eventId: record.eventID, malformed: false, event: eventFor(record, uuid(random)) };
      slots.push({ at: c === 0 ? at : near ? at + random() * 0.002 : random(), delivery });
    }
  }
  for (let i = 0; i < o.malformed; i++) {
    if (i % 2 === 0) {
      const broken = eventFor(event(uuid(random)), uuid(random)) as Record<string, unknown>;
      delete broken.detail;
      slots.push({ at: random(), delivery: { eventId: null, malformed: true, event: broken } });
    } else {
      const id = pipeline();
      const record = brokenRecord(random, eventTime(id), id);
      history.push(record);
      slots.push({
        at: random(),
        delivery: { eventId: record.eventID, malformed: true, event: eventFor(record, uuid(random)) },
      });
    }
  }
  slots.sort((a, b) => a.at - b.at);
  return { records, history, deliveries: slots.map((s) => s.delivery), duplicates, triples };
}

export type GitLabPhase = { readonly ms: number; readonly fault: StandinFault['kind'] | 'up' };

/**
 * Cycles the stand-in through healthy and failing phases (every API path) until stopped: GitLab flapping. The
 * stand-in answers a fault phase's requests as GitLab or its proxy would (5xx, 429 with Retry-After, no answer).
 */
export function startFlapping(gitlab: GitLabStandin, phases: readonly GitLabPhase[]): { stop(): void } {
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = (): void => {
    if (stopped) return;
    const phase = phases[index % phases.length];
    index += 1;
    if (phase === undefined) return;
    gitlab.clearFaults();
    if (phase.fault !== 'up') {
      gitlab.addFault({
        match: '/api/v4/',
        kind: phase.fault,
        ...(phase.fault === 429 ? { retryAfterSeconds: 1 } : {}),
      });
    }
    timer = setTimeout(next, phase.ms);
  };
  next();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      gitlab.clearFaults();
    },
  };
}

/** Counts of the stand-in's answers that were faults (hung requests have status 0). */
export function gitLabFaultCounts(gitlab: GitLabStandin): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of gitlab.requests) {
    const key = request.status === 0 ? 'hang' : String(request.status);
    if (request.status === 0 || request.status === 429 || request.status >= 500)
      counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface SnsFaults {
  /** For startService's snsFaults. */
  decide(body: string): ProxyFault | undefined;
  /** All Publish requests fail while true (an SNS or KMS outage). */
  outage: boolean;
  /** Random Publish failures off. */
  enabled: boolean;
  readonly injected: Record<string, number>;
}

/** Fails a share of SNS Publish requests (5xx, throttling, reset connections), and all of them during an outage. */
export function snsFaults(random: () => number, share: number): SnsFaults {
  const injected: Record<string, number> = {};
  const faults: ProxyFault[] = [
    { kind: 'status', status: 500, code: 'InternalError', message: 'Internal error' },
    { kind: 'status', status: 400, code: 'Throttling', message: 'Rate exceeded' },
    { kind: 'status', status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' },
    { kind: 'reset' },
  ];
  const state: SnsFaults = {
    outage: false,
    enabled: true,
    injected,
    decide(body) {
      if (!body.includes('Action=Publish')) return undefined;
      if (!state.enabled) return undefined;
      if (!state.outage && random() >= share) return undefined;
      const fault = faults[Math.floor(random() * faults.length)] ?? { kind: 'reset' };
      const key = fault.kind === 'reset' ? 'reset' : fault.code;
      injected[key] = (injected[key] ?? 0) + 1;
      return fault;
    },
  };
  return state;
}

export { pool } from './pool';
