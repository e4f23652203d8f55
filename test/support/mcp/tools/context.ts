/** A ToolContext for handler tests: a fake backend, a manual clock at the fixture's instant, a fresh session. */
import { ManualClock } from '../../../../core/clock.js';
import type { MetricsBackend, Translation, Translator } from '../../../../mcp/server/ports.js';
import { defaultToolSettings, type HistoryEntry, type Services, type ToolContext, type ToolSettings } from '../../../../mcp/tools/context.js';

export const fixtureInstant = Date.UTC(2026, 10, 24, 11, 0, 0);

export function testContext(backend: MetricsBackend, options: { services?: Services; settings?: Partial<ToolSettings>; now?: number; signal?: AbortSignal } = {}): ToolContext & { history: HistoryEntry[]; progressed: [number, number | undefined, string][] } {
  const history: HistoryEntry[] = [];
  const progressed: [number, number | undefined, string][] = [];
  return {
    backend,
    clock: new ManualClock(options.now ?? fixtureInstant),
    session: { id: 'test-session', history: { record: (e) => history.push(e), entries: () => [...history] } },
    services: options.services ?? {},
    settings: { ...defaultToolSettings, ...options.settings },
    server: { name: 'prometheus-mcp', version: 'test', transport: 'stdio', startedAt: (options.now ?? fixtureInstant) - 60_000, tools: () => ['execute_query'] },
    ...(options.signal ? { signal: options.signal } : {}),
    progress: (p, t, m) => {
      progressed.push([p, t, m]);
    },
    history,
    progressed,
  };
}

/** A translator that answers from a table of questions, remembering the last entities for follow-ups. */
export function tableTranslator(answers: Record<string, Partial<Translation>>): Translator & { contexts: number } {
  let contexts = 0;
  return {
    get contexts() {
      return contexts;
    },
    newContext() {
      contexts++;
      return { last: undefined as Translation | undefined, clear() {} };
    },
    async translate(question, options) {
      const known = answers[question];
      const base: Translation = {
        promql: '',
        intent: 'unknown',
        entities: {},
        range: { start: options.now - 3_600_000, end: options.now, description: 'last 1 hour' },
        queryType: 'instant',
        confidence: 0,
        explanation: 'not understood',
        suggestions: ['memory of petsite pods'],
      };
      return { ...base, ...known } as Translation;
    },
  };
}
