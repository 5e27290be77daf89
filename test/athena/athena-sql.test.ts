import {
  type AthenaSettings,
  cloudTrailTableDefinition,
  createTableStatement,
  decisionTableDefinition,
  glueType,
  huntQuery,
  likePattern,
  namedQueries,
  quoteExecutionParameter,
  sqlIdentifier,
} from '../../lib/athena';
import { roleGlobs } from '../../lib/core/aws-names';

const SINGLE: AthenaSettings = {
  cloudTrailBucket: 'example-cloudtrail',
  cloudTrailPrefix: '',
  accounts: ['123456789012'],
  regions: ['us-east-1', 'eu-west-1'],
  projectionStartDate: '2025/01/01',
  bytesScannedCutoffPerQuery: 10_000_000_000,
};
const ORG: AthenaSettings = { ...SINGLE, cloudTrailPrefix: '/trails/', organizationId: 'o-a1b2c3d4e5' };

const QUERY_OPTIONS = {
  database: 'oidc_watch',
  cloudTrailTable: 'cloudtrail_logs',
  decisionTable: 'decisions',
  productionRoleArns: ['arn:aws:iam::*:role/prod_deploy', 'arn:aws:iam::123456789012:role/prod-*-deployer'],
  gitLabIssuers: ['https://gitlab.com', 'https://gitlab.example.com'],
  lookbackDays: 14,
};

describe('cloudTrailTableDefinition', () => {
  it('follows the Athena User Guide table: CloudTrail input format, JSON SerDe, text output format', () => {
    const t = cloudTrailTableDefinition(SINGLE);

    expect(t.inputFormat).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat');
    expect(t.outputFormat).toBe('org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat');
    expect(t.serde.library).toBe('org.apache.hive.hcatalog.data.JsonSerDe');
    expect(t.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'eventversion',
        'useridentity',
        'eventtime',
        'eventsource',
        'eventname',
        'awsregion',
        'sourceipaddress',
        'useragent',
        'errorcode',
        'errormessage',
        'requestparameters',
        'responseelements',
        'additionaleventdata',
        'requestid',
        'eventid',
        'readonly',
        'resources',
        'eventtype',
        'apiversion',
        'recipientaccountid',
        'serviceeventdetails',
        'sharedeventid',
        'vpcendpointid',
        'eventcategory',
        'tlsdetails',
      ]),
    );
  });

  it('projects account, region and day with the documented properties', () => {
    const t = cloudTrailTableDefinition(SINGLE);

    expect(t.partitionKeys.map((k) => k.name)).toEqual(['account', 'region', 'timestamp']);
    expect(t.properties).toEqual({
      classification: 'cloudtrail',
      'projection.enabled': 'true',
      'projection.account.type': 'enum',
      'projection.account.values': '123456789012',
      'projection.region.type': 'enum',
      'projection.region.values': 'us-east-1,eu-west-1',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': '2025/01/01,NOW',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      'storage.location.template':
        's3://example-cloudtrail/AWSLogs/${account}/CloudTrail/${region}/${timestamp}',
    });
    expect(t.location).toBe('s3://example-cloudtrail/AWSLogs/');
  });

  it('inserts the organization ID before the account for an organization trail, after the bucket prefix', () => {
    const t = cloudTrailTableDefinition(ORG);

    expect(t.location).toBe('s3://example-cloudtrail/trails/AWSLogs/o-a1b2c3d4e5/');
    expect(t.properties['storage.location.template']).toBe(
      's3://example-cloudtrail/trails/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}',
    );
  });

  it('keeps the JSON columns as strings and the identity as a struct with the provider', () => {
    const types = new Map(cloudTrailTableDefinition(SINGLE).columns.map((c) => [c.name, glueType(c.type)]));

    expect(types.get('requestparameters')).toBe('string');
    expect(types.get('responseelements')).toBe('string');
    expect(types.get('additionaleventdata')).toBe('string');
    expect(types.get('useridentity')).toContain('username:string');
    expect(types.get('useridentity')).toContain('identityprovider:string');
    expect(types.get('useridentity')).toContain(
      'webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>',
    );
  });
});

describe('createTableStatement', () => {
  it('renders the same definition as CREATE EXTERNAL TABLE, with the partition columns quoted', () => {
    const ddl = createTableStatement('oidc_watch', cloudTrailTableDefinition(ORG));

    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE `oidc_watch`.`cloudtrail_logs` \(/);
    expect(ddl).toContain(
      'PARTITIONED BY (\n    `account` STRING,\n    `region` STRING,\n    `timestamp` STRING',
    );
    expect(ddl).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'");
    expect(ddl).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
    expect(ddl).toContain("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'");
    expect(ddl).toContain("LOCATION 's3://example-cloudtrail/trails/AWSLogs/o-a1b2c3d4e5/'");
    expect(ddl).toContain("'projection.timestamp.interval.unit' = 'DAYS'");
    expect(ddl).toContain(
      "'storage.location.template' = 's3://example-cloudtrail/trails/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'",
    );
    expect(ddl).toContain('    tlsdetails STRUCT<\n        tlsversion: STRING,');
    expect(ddl.trimEnd().endsWith(');')).toBe(true);
  });

  it('lists every property and column of the definition, so the text and the Glue table cannot drift', () => {
    const def = decisionTableDefinition({
      bucket: 'example-decisions',
      prefix: 'decisions/',
      startDate: '2025-01-01',
    });
    const ddl = createTableStatement('oidc_watch', def);

    for (const [k, v] of Object.entries(def.properties)) expect(ddl).toContain(`'${k}' = '${v}'`);
    for (const c of def.columns) expect(ddl).toContain(`    ${c.name} `);
    expect(ddl).toContain("'storage.location.template' = 's3://example-decisions/decisions/dt=${dt}/'");
    expect(ddl).toContain("WITH SERDEPROPERTIES ('case.insensitive' = 'true')");
  });

  it('refuses a database name that would need quoting', () => {
    expect(() => createTableStatement('oidc-watch; DROP', cloudTrailTableDefinition(SINGLE))).toThrow(
      RangeError,
    );
  });
});

describe('decisionTableDefinition', () => {
  it('projects the event day dt over the decision-log prefix', () => {
    const t = decisionTableDefinition({
      bucket: 'example-decisions',
      prefix: 'decisions/',
      startDate: '2025-01-01',
    });

    expect(t.partitionKeys.map((k) => k.name)).toEqual(['dt']);
    expect(t.location).toBe('s3://example-decisions/decisions/');
    expect(t.properties).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2025-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': 's3://example-decisions/decisions/dt=${dt}/',
    });
    expect(t.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['eventid', 'verdict', 'severity', 'findings', 'pipeline']),
    );
  });

  it('rejects a start date in the trail format', () => {
    expect(() =>
      decisionTableDefinition({ bucket: 'b', prefix: 'decisions/', startDate: '2025/01/01' }),
    ).toThrow(/yyyy-MM-dd/);
  });
});

describe('namedQueries', () => {
  const queries = namedQueries(QUERY_OPTIONS);
  const byKey = new Map(queries.map((q) => [q.key, q.sql]));

  it('defines the five hunts', () => {
    expect(queries.map((q) => q.key)).toEqual([
      'assumptions-by-project-ref',
      'failed-web-identity',
      'verdicts-by-severity',
      'verdict-updates',
      'events-without-verdict',
    ]);
  });

  it('counts one standing verdict per event, from the latest-verdict view, not every evaluation', () => {
    expect(byKey.get('verdicts-by-severity')).toContain('FROM "oidc_watch"."decisions_latest"');
    expect(byKey.get('verdict-updates')).toMatch(
      /JOIN "oidc_watch"\."decisions_latest" l[\s\S]*l\.messages > 1/,
    );
  });

  it('prunes partitions by day in every query', () => {
    for (const key of ['assumptions-by-project-ref', 'failed-web-identity', 'events-without-verdict']) {
      expect(byKey.get(key)).toContain(
        `"timestamp" >= date_format(current_date - interval '14' day, '%Y/%m/%d')`,
      );
    }
    for (const key of ['verdicts-by-severity', 'verdict-updates']) {
      expect(byKey.get(key)).toContain(`dt >= date_format(current_date - interval '14' day, '%Y-%m-%d')`);
    }
  });

  it('reads project and ref from the signed sub and filters production roles with escaped LIKE patterns', () => {
    const sql = byKey.get('assumptions-by-project-ref') ?? '';

    expect(sql).toContain(
      "coalesce(useridentity.username, json_extract_scalar(responseelements, '$.subjectFromWebIdentityToken')) AS sub",
    );
    expect(sql).toContain(
      "lower(json_extract_scalar(requestparameters, '$.roleArn')) LIKE 'arn:aws:iam::%:role/prod\\_deploy' ESCAPE '\\'",
    );
    expect(sql).toContain("LIKE 'arn:aws:iam::123456789012:role/prod-%-deployer' ESCAPE '\\'");
    expect(sql).toContain("LIKE 'arn:%:iam::%:oidc-provider/gitlab.example.com' ESCAPE '\\'");
    expect(sql).toContain("regexp_extract(sub, '(?:^|:)project_path:([^:]+)', 1) AS project_path");
    expect(sql).toContain("regexp_extract(sub, '(?:^|:)ref:([^:]+)', 1) AS ref");
    expect(sql).toContain('errorcode IS NULL');
  });

  it('lists failed attempts, which carry an error code', () => {
    expect(byKey.get('failed-web-identity')).toContain('errorcode IS NOT NULL');
  });

  it('anti-joins CloudTrail events on eventid against the decision log, a day wider on the decision side', () => {
    const sql = byKey.get('events-without-verdict') ?? '';

    expect(sql).toContain('LEFT JOIN (');
    expect(sql).toContain(') d ON d.eventid = c.eventid');
    expect(sql).toContain('AND d.eventid IS NULL');
    expect(sql).toContain(`dt >= date_format(current_date - interval '15' day, '%Y-%m-%d')`);
    expect(sql).toContain('FROM "oidc_watch"."decisions"');
  });

  it('escapes a quote in a configured role ARN instead of ending the literal', () => {
    const sql =
      namedQueries({ ...QUERY_OPTIONS, productionRoleArns: ["arn:aws:iam::*:role/o'brien"] })[0]?.sql ?? '';

    expect(sql).toContain("LIKE 'arn:aws:iam::%:role/o''brien' ESCAPE '\\'");
  });

  it('rejects a look-back that is not a whole number of days', () => {
    expect(() => namedQueries({ ...QUERY_OPTIONS, lookbackDays: 1.5 })).toThrow(RangeError);
  });
});

describe('huntQuery', () => {
  const since = new Date('2025-04-10T06:30:00.123Z');
  const until = new Date('2025-04-16T06:00:00Z');

  it('has one ? per parameter, all in the WHERE clause, and no value in the SQL text', () => {
    const q = huntQuery({
      database: 'oidc_watch',
      table: 'cloudtrail_logs',
      since,
      until,
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      roles: ['prod-deploy'],
    });

    const [select, where] = q.sql.split('\nWHERE ');
    expect(select).not.toContain('?');
    expect((where ?? '').split('?').length - 1).toBe(q.parameters.length);
    expect(q.parameters).toEqual([
      '2025/04/10',
      '2025/04/17',
      'sts.amazonaws.com',
      'AssumeRoleWithWebIdentity',
      '2025-04-10T06:30:00Z',
      '2025-04-16T06:00:00Z',
      '123456789012',
      'us-east-1',
      'arn:%:iam::%:role/prod-deploy',
      'arn:%:iam::%:role/%/prod-deploy',
    ]);
    for (const value of ['123456789012', 'prod-deploy', '2025']) expect(q.sql).not.toContain(value);
    expect(q.sql).toContain(`lower(json_extract_scalar(requestparameters, '$.roleArn')) LIKE ? ESCAPE '\\'`);
  });

  it('needs no optional filter', () => {
    const q = huntQuery({ database: 'oidc_watch', table: 'cloudtrail_logs', since, until });

    expect(q.parameters).toHaveLength(6);
    expect(q.sql).not.toContain('account IN');
  });

  it('refuses filters that are not account IDs or regions, and an empty time range', () => {
    const base = { database: 'oidc_watch', table: 'cloudtrail_logs', since, until };
    expect(() => huntQuery({ ...base, accounts: ["1' OR '1'='1"] })).toThrow(RangeError);
    expect(() => huntQuery({ ...base, regions: ['mars-1'] })).toThrow(RangeError);
    expect(() => huntQuery({ ...base, since: until, until: since })).toThrow(RangeError);
    expect(() => huntQuery({ ...base, table: 'cloudtrail_logs"; --' })).toThrow(RangeError);
  });
});

describe('quoteExecutionParameter', () => {
  it('wraps a string in single quotes and doubles the quotes inside it', () => {
    expect(quoteExecutionParameter('prod-deploy')).toBe("'prod-deploy'");
    expect(quoteExecutionParameter("o'brien's")).toBe("'o''brien''s'");
    expect(quoteExecutionParameter("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
  });
});

describe('likePattern', () => {
  it('turns * into %, ? into _ and escapes LIKE wildcards and the escape character', () => {
    expect(likePattern('arn:aws:iam::*:role/prod_deploy')).toBe('arn:aws:iam::%:role/prod\\_deploy');
    expect(likePattern('prod-?')).toBe('prod-_');
    expect(likePattern('100%\\x')).toBe('100\\%\\\\x');
  });
});

describe('roleGlobs', () => {
  it('matches a bare role name in any account, with or without a path, and keeps ARNs as given', () => {
    expect(roleGlobs('prod-deploy')).toEqual([
      'arn:*:iam::*:role/prod-deploy',
      'arn:*:iam::*:role/*/prod-deploy',
    ]);
    expect(roleGlobs('arn:aws:iam::123456789012:role/prod-deploy')).toEqual([
      'arn:aws:iam::123456789012:role/prod-deploy',
    ]);
  });

  it('refuses a name IAM would not accept', () => {
    expect(() => roleGlobs("deploy' OR '1'='1")).toThrow(RangeError);
  });
});

describe('sqlIdentifier', () => {
  it('double-quotes a plain name and refuses anything else', () => {
    expect(sqlIdentifier('cloudtrail_logs')).toBe('"cloudtrail_logs"');
    expect(() => sqlIdentifier('CloudTrail')).toThrow(RangeError);
    expect(() => sqlIdentifier('a"b')).toThrow(RangeError);
  });
});
