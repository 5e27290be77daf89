/**
 * Entry point of the file reader threads of `hunt --source files` (bundled to dist/files-worker.js by
 * scripts/build-cli.mjs): reads the regular files the main thread sends, see lib/sources/files/parallel.ts.
 */
import { parentPort } from 'node:worker_threads';
import { serveFileReads } from '../../lib/sources/files/worker';

if (parentPort) serveFileReads(parentPort);
