/**
 * `cdk synth` / `cdk deploy` entry point (cdk.json: `npx tsx infra/app.ts`).
 *
 * The config file: `-c config=PATH`, else OIDC_WATCH_CONFIG_FILE, else examples/oidc-watch.config.yaml. It is
 * validated here, before anything is built: a bad config stops synthesis with the key named.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/core/errors';
import { CONFIG_CONTEXT_KEY, loadSynthConfig, resolveConfigPath, type SynthConfig } from './config';
import { addOidcWatchStack } from './oidc-watch-stack';

function loadConfigOrExplain(app: App): SynthConfig | undefined {
  try {
    return loadSynthConfig(resolveConfigPath(app.node.tryGetContext(CONFIG_CONTEXT_KEY), process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      // The message already names the file and the key; a stack trace would only bury it.
      console.error(error.message);
      return undefined;
    }
    throw error;
  }
}

// Synthesized explicitly, and only with a valid config (the default would also synthesize an empty app at exit).
const app = new App({ autoSynth: false });
const synthConfig = loadConfigOrExplain(app);
if (synthConfig === undefined) {
  process.exitCode = 1;
} else {
  addOidcWatchStack(app, synthConfig);
  app.synth();
}
