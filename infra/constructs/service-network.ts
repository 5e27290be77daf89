import { Fn } from 'aws-cdk-lib';
import {
  CfnEIP,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Deployment } from '../../lib/core/config';
import { type LogRetentionDays } from '../config';
import { retentionDays } from './house-function';

export interface ServiceNetworkProps {
  readonly vpc: Deployment['vpc'];
  readonly logRetentionDays: LogRetentionDays;
}

/**
 * For a self-managed GitLab behind a firewall: the functions run in private subnets and leave through NAT gateways
 * whose Elastic IPs are fixed, so the GitLab side can allow exactly those addresses (stack output EgressIps). S3 and
 * DynamoDB are reached through gateway endpoints (no NAT charge); everything else (SNS, Secrets Manager, GitLab)
 * through NAT. The functions' security group allows outbound HTTPS only and nothing inbound.
 * See: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html
 */
export class ServiceNetwork extends Construct {
  public readonly vpc: Vpc;
  public readonly securityGroup: SecurityGroup;
  /** The NAT gateways' public addresses, comma-separated (a token until deployed). */
  public readonly egressIps: string;

  public constructor(scope: Construct, id: string, props: ServiceNetworkProps) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.vpc.cidr),
      maxAzs: props.vpc.maxAzs,
      natGateways: props.vpc.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 26 },
        { name: 'functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 26 },
      ],
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // Rejected and accepted flows, for the firewall conversation ("did our request leave, and was it answered?").
    this.vpc.addFlowLog('FlowLog', {
      trafficType: FlowLogTrafficType.ALL,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogGroup', { retention: retentionDays(props.logRetentionDays) }),
      ),
    });
    this.securityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'gitlab-oidc-watch functions: outbound HTTPS only (GitLab API, AWS APIs), nothing inbound',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to GitLab and AWS APIs');

    const eips = this.vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild('EIP');
      return eip instanceof CfnEIP ? [eip.attrPublicIp] : [];
    });
    this.egressIps = Fn.join(',', eips);
  }
}
