/**
 * Every AWS SDK client warns (once per process) that SDK releases after January 2027 need Node 22.
 * Known, and noise in test output: test files that build SDK clients silence it for their run.
 */
import type { Test } from 'uvu';

const variable = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

export function quietSdkWarnings(suite: Test): void {
  let saved: string | undefined;
  suite.before(() => {
    saved = process.env[variable];
    process.env[variable] = 'true';
  });
  suite.after(() => {
    if (saved === undefined) delete process.env[variable];
    else process.env[variable] = saved;
  });
}
