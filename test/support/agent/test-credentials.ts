/**
 * The credentials test agents run with: a webhook token for alert senders and named operator tokens,
 * so tests exercise the same access rules as a real agent (the approver recorded is the token's name).
 */
import type { AgentConfig } from '../../../agent/config.js';

export const testTokens = {
  webhook: 'test-webhook-token-0123456789abcdef',
  alice: 'test-operator-alice-0123456789abcdef',
  bob: 'test-operator-bob-0123456789abcdefgh',
} as const;

export const testCredentials: NonNullable<AgentConfig['credentials']> = {
  webhook: [{ name: 'alertmanager', token: testTokens.webhook }],
  operators: [
    { name: 'alice', token: testTokens.alice },
    { name: 'bob', token: testTokens.bob },
  ],
};

/** The Authorization header of one of the test tokens. */
export function bearerOf(who: keyof typeof testTokens): Record<string, string> {
  return { authorization: `Bearer ${testTokens[who]}` };
}
