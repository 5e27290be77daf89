/**
 * Which policy applies to a record: production-role matching by ARN glob, and issuer classification.
 * Compiled once per Config (cached by identity), so the per-record cost is a map lookup in the common case.
 */
import type { Config, ProductionRole } from './config';
import { compileArnGlob } from './glob';

/**
 * Issuer URLs compare by scheme and host case-insensitively and without trailing slashes; the path (self-managed
 * GitLab under a relative URL) stays case-sensitive.
 */
export function normalizeIssuer(issuer: string): string {
  const trimmed = issuer.trim().replace(/\/+$/, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]+)(.*)$/.exec(trimmed);
  if (!m) return trimmed;
  return `${(m[1] ?? '').toLowerCase()}${m[2] ?? ''}`;
}

export interface CompiledPolicy {
  readonly config: Config;
  /** The first production role (in configured order) with a roleArns glob matching the ARN, else null. */
  matchRole(roleArn: string): ProductionRole | null;
  /** True when the issuer is listed in `ignoredIssuers`. */
  isIgnoredIssuer(issuer: string | null): boolean;
  /**
   * The configured trusted issuer URL (canonical form, as in `trustedIssuers[].issuer`) this record's issuer
   * denotes, or null when the issuer is missing or not trusted.
   */
  trustedIssuer(issuer: string | null): string | null;
  /** True when the role lists this (non-GitLab) issuer in allowedForeignIssuers. */
  roleAllowsForeignIssuer(role: ProductionRole, issuer: string | null): boolean;
  /** True when the role accepts this (canonical, trusted) issuer: its `issuers` list, or every trusted issuer. */
  roleAcceptsIssuer(role: ProductionRole, trustedIssuer: string): boolean;
}

const ROLE_CACHE_LIMIT = 10_000;

function buildPolicy(config: Config): CompiledPolicy {
  const roles = config.productionRoles.map((role) => ({
    role,
    globs: role.roleArns.map((p) => compileArnGlob(p)),
  }));
  const roleCache = new Map<string, ProductionRole | null>();
  const ignored = new Set(config.ignoredIssuers.map(normalizeIssuer));
  const trusted = new Map(config.trustedIssuers.map((t) => [normalizeIssuer(t.issuer), t.issuer] as const));
  const roleIssuers = new Map(
    config.productionRoles.map(
      (r) => [r, r.issuers ? new Set(r.issuers.map(normalizeIssuer)) : null] as const,
    ),
  );

  return {
    config,
    matchRole(roleArn) {
      const hit = roleCache.get(roleArn);
      if (hit !== undefined) return hit;
      const found = roles.find((r) => r.globs.some((g) => g.test(roleArn)))?.role ?? null;
      if (roleCache.size >= ROLE_CACHE_LIMIT) roleCache.clear();
      roleCache.set(roleArn, found);
      return found;
    },
    isIgnoredIssuer(issuer) {
      return issuer !== null && ignored.has(normalizeIssuer(issuer));
    },
    trustedIssuer(issuer) {
      if (issuer === null) return null;
      return trusted.get(normalizeIssuer(issuer)) ?? null;
    },
    roleAllowsForeignIssuer(role, issuer) {
      if (issuer === null || role.allowedForeignIssuers.length === 0) return false;
      const wanted = normalizeIssuer(issuer);
      return role.allowedForeignIssuers.some((i) => normalizeIssuer(i) === wanted);
    },
    roleAcceptsIssuer(role, trustedIssuer) {
      // A role object from another Config (never in practice) is still judged by its own list.
      const allowed = roleIssuers.has(role)
        ? roleIssuers.get(role)
        : role.issuers && new Set(role.issuers.map(normalizeIssuer));
      return !allowed || allowed.has(normalizeIssuer(trustedIssuer));
    },
  };
}

const compiled = new WeakMap<Config, CompiledPolicy>();

/** The compiled policy for a config, built on first use and reused for the same Config object. */
export function compilePolicy(config: Config): CompiledPolicy {
  let policy = compiled.get(config);
  if (!policy) {
    policy = buildPolicy(config);
    compiled.set(config, policy);
  }
  return policy;
}

/** The production role whose `roleArns` globs match the ARN (first in configured order), or null. */
export function matchProductionRole(config: Config, roleArn: string): ProductionRole | null {
  return compilePolicy(config).matchRole(roleArn);
}
