/**
 * A conversation: the entities, measure and time range of the previous questions of one session, so
 * follow-ups work ("and for petsearch?", "same for the last 6 hours", "compare with yesterday", "what
 * about p95?"). Plain data, serialisable with JSON; the MCP server keeps one per session and drops it
 * when the session ends.
 */
import type { Features } from './features.js';
import type { TimeKind } from './time.js';
import type { EntityMatch, Intent } from './types.js';

/** The time of a question, relative to when it was asked, so it can be replayed later. */
export interface TurnTime {
  kind: TimeKind;
  windowMs: number;
  offsetMs: number;
  compareMs?: number;
  compareLabel?: string;
  description: string;
}

export interface Turn {
  question: string;
  features: Features;
  entities: EntityMatch[];
  time: TurnTime;
  intent: Intent;
  promql: string;
  /** The question's wording without names and times, so a follow-up keeps its nuances ("rate", "per second"). */
  wording?: string;
  /** Epoch ms the question was translated at. */
  at: number;
}

export interface SerializedContext {
  version: 1;
  turns: Turn[];
}

export class ConversationContext {
  private turns: Turn[] = [];

  constructor(private readonly maxTurns = 20) {}

  /** The most recent question, which a follow-up refers to. */
  last(): Turn | undefined {
    return this.turns[this.turns.length - 1];
  }

  history(): readonly Turn[] {
    return this.turns;
  }

  remember(turn: Turn): void {
    this.turns.push(structuredClone(turn));
    if (this.turns.length > this.maxTurns) this.turns.splice(0, this.turns.length - this.maxTurns);
  }

  clear(): void {
    this.turns = [];
  }

  toJSON(): SerializedContext {
    return { version: 1, turns: structuredClone(this.turns) };
  }

  static fromJSON(data: SerializedContext | string): ConversationContext {
    const parsed = (typeof data === 'string' ? JSON.parse(data) : data) as SerializedContext;
    if (parsed?.version !== 1 || !Array.isArray(parsed.turns)) throw new Error('not a serialized ConversationContext (version 1)');
    const context = new ConversationContext();
    for (const t of parsed.turns) context.remember(t);
    return context;
  }
}
