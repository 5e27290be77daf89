/**
 * `cdk synth` / `cdk deploy` entry point (cdk.json: `npx tsx infra/app.ts`).
 *
 * The config file: `-c config=PATH`, else OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.yaml; without one of
 * them synthesis stops (the example policy is used only when named: `-c config=examples/oidc-watch.config.yaml`).
 * It is validated here, before anything is built: a bad config stops synthesis with the key named.
 *
 * Organization mode (optional): `-c organizationId=o-...` adds a central bus the organization's accounts may forward
 * to; `-c forwardToBusArn=<that bus>` adds the GitLabOidcWatchForwarder stack to deploy in member accounts/regions.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/core/errors';
import {
  CONFIG_CONTEXT_KEY,
  loadSynthConfig,
  type OrganizationOptions,
  readOrganizationOptions,
  resolveConfigPath,
  type SynthConfig,
} from './config';
import { addOidcWatchStack } from './oidc-watch-stack';

function loadConfigOrExplain(
  app: App,
): { synthConfig: SynthConfig; organization: OrganizationOptions } | undefined {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  try {
    return {
      synthConfig: loadSynthConfig(resolveConfigPath(context(CONFIG_CONTEXT_KEY), process.env)),
      organization: readOrganizationOptions(context),
    };
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
const loaded = loadConfigOrExplain(app);
if (loaded === undefined) {
  process.exitCode = 1;
} else {
  try {
    addOidcWatchStack(app, loaded.synthConfig, loaded.organization);
    app.synth();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
