'use strict';
/* global module */
// Stands in, in the Lambda bundles only, for object-inspect, which side-channel (a dependency of qs, reached through
// gitbeaker) calls only to word the error of its `assert` method; qs never calls `assert` (it uses get/set/has), so
// inspect is never called. If it ever is, the error still says what happened. See infra/bundling.ts.
module.exports = function inspect(value) {
  return `[${typeof value}]`;
};
