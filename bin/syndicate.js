#!/usr/bin/env node
// The `syndicate` CLI. The project is TypeScript run directly through tsx (no build step locally);
// Lambda bundles are built separately by esbuild through the CDK.
import { register } from 'tsx/esm/api';

// Locally the handlers' INFO logs would drown the journeys; warnings and errors still go to stderr.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

// The AWS SDK warns on start that its 2027 releases need Node 22. Lambda runs Node 22+ and the
// lockfile pins the SDK, so locally the warning says nothing actionable; the SDK's own switch mutes it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../local/cli.ts');
