/**
 * Athena over CloudTrail history and the decision log: table definitions, the named queries saved in the workgroup,
 * and the parameterized hunt query. Pure (no SDKs, no node: built-ins), next to the core but not detection logic:
 * it may import lib/core, never the other way round.
 */
export { glueType, type HiveField, type HivePrimitive, type HiveType } from './hive';
export {
  LIKE_ESCAPE,
  likePattern,
  quoteExecutionParameter,
  sqlIdentifier,
  sqlStringLiteral,
} from './literals';
export {
  type AthenaSettings,
  CLOUDTRAIL_COLUMNS,
  CLOUDTRAIL_TABLE,
  cloudTrailLogsRoot,
  cloudTrailTableDefinition,
  createTableStatement,
  DECISION_COLUMNS,
  DECISION_TABLE,
  decisionTableDefinition,
  type DecisionTableSettings,
  DEFAULT_DATABASE,
  DEFAULT_WORKGROUP,
  type ExternalTableDefinition,
} from './tables';
export {
  createDecisionLatestViewStatement,
  DECISION_LATEST_COLUMNS,
  DECISION_LATEST_VIEW,
  decisionLatestViewSql,
  prestoViewJson,
  type ViewColumn,
} from './views';
export { namedQueries, type NamedQueryOptions, type NamedQuerySpec } from './named-queries';
export {
  cloudTrailTime,
  HUNT_COLUMNS,
  type HuntColumn,
  huntQuery,
  type HuntQueryOptions,
  type ParameterizedQuery,
} from './hunt-query';
export type { AthenaExecution, AthenaQueryInput, AthenaQueryPort, AthenaRow, AthenaRunOptions } from './port';
