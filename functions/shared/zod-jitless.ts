/**
 * Turns off zod's JIT for a Lambda entry point that parses a few values per invocation. Import it FIRST, before any
 * module that builds schemas.
 *
 * Why: the first time an object schema parses, zod v4 generates a specialised parser with `new Function` and V8
 * compiles it. That pays off over many parses of one schema; the correlator parses its embedded config once at init and
 * one EventBridge event (envelope, CloudTrail record, a few GitLab answers) per invocation, so every cold start paid
 * for code generation it never recovered: on the 2-core bench machine, parsing the config at init went from ~13 to
 * ~7 ms and the first CloudTrail record from ~10 to ~3.5 ms. The interpreted path is the one zod takes wherever
 * `eval` is unavailable: same results, same error messages (the whole test suite passes with the JIT off).
 *
 * Why first: zod reads the flag when each object schema is CONSTRUCTED, and lib/core builds its schemas at module
 * scope. ES modules evaluate in import order (esbuild keeps that order in the bundle), so this import has to come
 * before the one that reaches lib/core. test/functions/correlator-bundle.test.ts checks it on the built bundle.
 * See: https://github.com/colinhacks/zod/blob/main/packages/zod/src/v4/core/core.ts ($ZodConfig.jitless)
 */
import * as z from 'zod';

z.config({ jitless: true });
