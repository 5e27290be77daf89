/**
 * The AWS clients the deployed service uses, built one way for both Lambdas (module scope, once per container).
 * Credentials and region come from the Lambda environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ServiceClients } from './service';
import type { ServiceSettings } from './settings';

export function serviceClients(settings: Pick<ServiceSettings, 'securityHubProductArn'>): ServiceClients {
  return {
    sns: new SNSClient({}),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    secrets: new SecretsManagerClient({}),
    // Only when the Security Hub export is switched on: no client, no permission needed.
    ...(settings.securityHubProductArn === undefined ? {} : { securityHub: new SecurityHubClient({}) }),
  };
}

/** One client per region, created on first use and kept (CloudTrail LookupEvents is regional). */
export function perRegion<T>(create: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}
