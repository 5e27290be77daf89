'use strict';
/* global module */
// Stands in, in the Lambda bundles only, for packages that @gitbeaker/requester-utils imports but that this project
// never calls: rate-limiter-flexible (gitbeaker's own rate limiters) and picomatch-browser (matching those limiters'
// URL globs). Both are reached only from requester-utils' createRequesterFn/getMatchingRateLimiter, which our GitLab
// transport does not use (lib/adapters/gitlab/http.ts builds its own requester; pacing is the request budget).
// If that ever changes, the call fails loudly here instead of misbehaving. See infra/bundling.ts.
function neverCalled(name) {
  return function () {
    throw new Error(
      `${name} is left out of this bundle (infra/bundle-stubs): gitbeaker's rate limiters are not used`,
    );
  };
}
class RateLimiterMemory {
  constructor() {
    neverCalled('rate-limiter-flexible RateLimiterMemory')();
  }
}
class RateLimiterQueue {
  constructor() {
    neverCalled('rate-limiter-flexible RateLimiterQueue')();
  }
}
module.exports = { RateLimiterMemory, RateLimiterQueue, isMatch: neverCalled('picomatch-browser isMatch') };
