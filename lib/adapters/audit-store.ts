/**
 * Where the scheduled audit keeps its results: the report of each run (JSON Lines) and the state of the last
 * published findings, both under the audit prefix of the decision-log bucket; and the alert topic, which receives
 * one message per role with new or changed findings. A missing state object is a first run (everything is new);
 * any other read failure is thrown, so nothing is re-published blindly.
 * See: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { PublishError } from '../core/errors';
import type { AuditState, RoleNews } from '../core/trust-policy/state';
import { renderAuditAlert } from '../core/render/audit-alert';
import { publishAlertCommand } from './sns-alert-publisher';

const StateSchema = z.record(z.string(), z.string());

export interface AuditStoreOptions {
  readonly bucket: string;
  /** Ends in `/`. */
  readonly prefix: string;
}

export function auditStateKey(prefix: string): string {
  return `${prefix}state/findings.json`;
}

export function auditReportKey(prefix: string, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return `${prefix}reports/dt=${day}/${at.toISOString().replace(/[:.]/g, '-')}.jsonl`;
}

export async function readAuditState(s3: S3Client, o: AuditStoreOptions): Promise<AuditState> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: auditStateKey(o.prefix) }));
    const text = (await out.Body?.transformToString('utf8')) ?? '{}';
    return StateSchema.parse(JSON.parse(text));
  } catch (e) {
    if (e instanceof NoSuchKey) return {};
    throw e;
  }
}

export async function writeAuditState(s3: S3Client, o: AuditStoreOptions, state: AuditState): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: o.bucket,
      Key: auditStateKey(o.prefix),
      Body: JSON.stringify(state),
      ContentType: 'application/json',
    }),
  );
}

export async function writeAuditReport(
  s3: S3Client,
  o: AuditStoreOptions,
  at: Date,
  lines: readonly string[],
): Promise<string> {
  const key = auditReportKey(o.prefix, at);
  await s3.send(
    new PutObjectCommand({
      Bucket: o.bucket,
      Key: key,
      Body: lines.join(''),
      ContentType: 'application/x-ndjson',
    }),
  );
  return key;
}

/** One message per role, rendered per protocol; attributes match the verdict alerts' for SNS filter policies. */
export async function publishAuditNews(
  sns: SNSClient,
  topicArn: string,
  news: readonly RoleNews[],
): Promise<void> {
  for (const n of news) {
    const alert = renderAuditAlert(n);
    try {
      await sns.send(publishAlertCommand(topicArn, alert));
    } catch (e) {
      throw new PublishError(`could not publish the audit findings of ${n.report.roleArn}`, { cause: e });
    }
  }
}
