/**
 * The AWS SDK's own retries, under test. The evidence adapters leave retrying to the SDK (standard
 * mode), and aws-sdk-client-mock stubs `send`, above the SDK's middleware, so a mocked client never
 * retries. `sdkRetryingClient` puts the mocked client *under* the retry middleware of a real one:
 * every attempt the SDK makes reaches the mock (its `commandCalls` count them). `recordRetryDelays`
 * keeps the SDK's standard strategy (which errors it retries, how many times, its quota) but records
 * its back-off instead of waiting it.
 */
import { awsRetry } from '../../../lib/platform/retry.js';

/** What the SDK's standard strategy asks of its back-off (`backoff` in its options). */
interface Backoff {
  setDelayBase(delayMs: number): void;
  computeNextBackoffDelay(retryCount: number): number;
}

type Middleware = (next: unknown, context: { commandName?: string }) => (args: { input: object }) => Promise<{ output: object; response?: unknown }>;

/** The parts of an SDK v3 client these helpers use (the SDK's own types are generic per service). */
interface SdkClient {
  config: object;
  middlewareStack: object;
  send: object;
}

interface MiddlewareStack {
  addRelativeTo(middleware: Middleware, options: { relation: 'before' | 'after'; toMiddleware: string; name?: string }): void;
}

/**
 * The client's standard retry strategy (a client built with `awsRetry()`), with a back-off that pushes
 * each delay's ceiling to `waits` and waits nothing; which errors are retried, how often, and the
 * retry quota stay the SDK's.
 */
export function recordRetryDelays(client: SdkClient, waits: number[]): void {
  const config = client.config as { retryStrategy: () => Promise<object>; maxAttempts: () => Promise<number> };
  const standard = config.retryStrategy();
  let base = 0;
  const backoff: Backoff = {
    setDelayBase: (delayMs) => void (base = delayMs),
    computeNextBackoffDelay(retryCount) {
      waits.push(base * 2 ** retryCount);
      return 0;
    },
  };
  let strategy: Promise<object> | undefined;
  config.retryStrategy = () =>
    (strategy ??= (async () => {
      const Strategy = (await standard).constructor as new (options: { maxAttempts: number; backoff: Backoff }) => object;
      return new Strategy({ maxAttempts: await config.maxAttempts(), backoff });
    })());
}

/**
 * A client of the same class as `mocked`, retrying in the SDK's standard mode with `maxAttempts`, whose
 * every attempt is sent to `mocked` (a client stubbed by aws-sdk-client-mock). `commands` is the SDK
 * package (`import * as xray from '@aws-sdk/client-xray'`), to rebuild each command for the mock.
 */
export function sdkRetryingClient<C extends SdkClient>(mocked: C, commands: object, options: { maxAttempts: number; waits?: number[] }): C {
  const Client = mocked.constructor as new (config: object) => C;
  const client = new Client({ region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, ...awsRetry(options.maxAttempts) });
  // Looked up at each call: resetting the mock replaces the stub.
  const send = (command: object) => (mocked.send as (command: object) => Promise<unknown>).call(mocked, command);
  const mockedAttempt: Middleware = (_next, context) => async (args) => {
    const Command = (commands as Record<string, unknown>)[context.commandName ?? ''] as (new (input: object) => object) | undefined;
    if (!Command) throw new Error(`no command ${context.commandName} in the SDK package given`);
    const output = (await send(new Command(args.input))) as object | undefined;
    return { output: { $metadata: {}, ...output }, response: {} };
  };
  (client.middlewareStack as MiddlewareStack).addRelativeTo(mockedAttempt, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'mockedAttempt' });
  recordRetryDelays(client, options.waits ?? []);
  return client;
}
