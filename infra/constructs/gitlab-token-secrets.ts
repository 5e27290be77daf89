import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TrustedIssuer } from '../../lib/core/config';
import { ConfigError } from '../../lib/core/errors';

/** A complete secret ARN ends in `-` and the six random characters Secrets Manager appends to the name. */
const COMPLETE_SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[0-9]*:secret:.+-[A-Za-z0-9]{6}$/;

export interface GitLabTokenSecretsProps {
  readonly trustedIssuers: readonly TrustedIssuer[];
}

interface IssuerSecret {
  readonly secret: ISecret;
  /** What the function passes to GetSecretValue as SecretId: an ARN, or the name the config gave. */
  readonly secretId: string;
  /** Created here with a generated placeholder (not imported): not a token until the operator stores one. */
  readonly generated: boolean;
}

/** A readable, stable construct id for an issuer URL (ids must not contain `/`). */
export function issuerConstructId(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '-');
}

/**
 * One Secrets Manager secret per trusted GitLab instance, holding a `read_api` token. A config that names an existing
 * secret (`token: {secretArn}` or `{secretName}`) gets that secret imported; any other issuer gets a new secret with
 * a random placeholder that the operator replaces after the first deploy (the stack output names it). The function
 * can read these secrets and nothing else in Secrets Manager.
 */
export class GitLabTokenSecrets extends Construct {
  private readonly byIssuer = new Map<string, IssuerSecret>();

  public constructor(scope: Construct, id: string, props: GitLabTokenSecretsProps) {
    super(scope, id);

    const seen = new Map<string, number>();
    props.trustedIssuers.forEach((issuer, index) => {
      const issuerId = issuerConstructId(issuer.issuer);
      const first = seen.get(issuerId);
      if (first !== undefined) {
        throw new ConfigError(
          `trustedIssuers[${index}].issuer: ${issuer.issuer} names the same GitLab instance as ` +
            `trustedIssuers[${first}].issuer; list each instance once`,
          `trustedIssuers[${index}].issuer`,
        );
      }
      seen.set(issuerId, index);
      const token = issuer.token;
      let entry: IssuerSecret;
      if (token !== undefined && 'secretArn' in token) {
        const secret = COMPLETE_SECRET_ARN.test(token.secretArn)
          ? Secret.fromSecretCompleteArn(this, issuerId, token.secretArn)
          : Secret.fromSecretPartialArn(this, issuerId, token.secretArn);
        entry = { secret, secretId: token.secretArn, generated: false };
      } else if (token !== undefined && 'secretName' in token) {
        entry = {
          secret: Secret.fromSecretNameV2(this, issuerId, token.secretName),
          secretId: token.secretName,
          generated: false,
        };
      } else {
        // `{env}` and `{file}` are CLI sources; the deployed service keeps its token in a secret of its own.
        const secret = new Secret(this, issuerId, {
          description: `GitLab read_api token for ${issuer.issuer} (replace the generated placeholder)`,
          generateSecretString: { passwordLength: 32, excludePunctuation: true },
        });
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            'A GitLab personal/group access token is issued and revoked in GitLab; Secrets Manager cannot rotate it ' +
            'without a GitLab admin credential of its own. Tokens are given an expiry date in GitLab instead.',
        });
        // At stack level, so the output reads GitLabTokenSecret<host> rather than a hashed path.
        new CfnOutput(Stack.of(this), `GitLabTokenSecret-${issuerId}`, {
          description: `Put the GitLab read_api token for ${issuer.issuer} into this secret`,
          value: secret.secretArn,
        });
        entry = { secret, secretId: secret.secretArn, generated: true };
      }
      this.byIssuer.set(issuer.issuer, entry);
    });
  }

  /** The GITLAB_TOKEN_SECRETS map: trusted issuer URL to SecretId. */
  public secretIdsByIssuer(): Record<string, string> {
    return Object.fromEntries([...this.byIssuer].map(([issuer, entry]) => [issuer, entry.secretId]));
  }

  /**
   * GITLAB_TOKEN_GENERATED: the issuers whose secret was created here with a generated placeholder. The function
   * recognises that placeholder (lib/core/self-check.ts) and reports "token not set" instead of sending it to GitLab.
   * (The generator settings above must not change: CloudFormation replaces a secret whose GenerateSecretString
   * changes, which would wipe a stored token.)
   */
  public generatedIssuers(): string[] {
    return [...this.byIssuer].filter(([, entry]) => entry.generated).map(([issuer]) => issuer);
  }

  /**
   * secretsmanager:GetSecretValue on exactly these secrets, nothing else (not even DescribeSecret). A secret known
   * by name or partial ARN is matched with Secrets Manager's six-character suffix, `-??????`.
   * See: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
   * Imported secrets encrypted with a customer managed key also need kms:Decrypt granted in that key's policy.
   */
  public grantRead(grantee: IGrantable): void {
    const resources = [...this.byIssuer.values()].map(
      ({ secret }) => secret.secretFullArn ?? `${secret.secretArn}-??????`,
    );
    if (resources.length === 0) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }),
    );
  }
}
