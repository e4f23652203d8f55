/**
 * Who may approve from Slack: an allow-list of user ids (`U...`, `W...` for Enterprise Grid) and user
 * groups (`S...`), the groups resolved with `usergroups.users.list` and cached for a minute. A group that
 * cannot be resolved allows nobody (and says why in the log): the list fails closed.
 */
import type { Logger } from '../../../core/log.js';

/** The one Web API method this needs, as `@slack/web-api`'s WebClient has it. */
export interface UserGroupsClient {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[]; error?: string }> } };
}

const userId = /^[UW][A-Z0-9]{2,20}$/;
const groupId = /^S[A-Z0-9]{2,20}$/;

export class ApproverListError extends Error {}

/** Parses `--slack-approvers`: user ids and user group ids, comma separated. */
export function parseApprovers(entries: readonly string[]): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (userId.test(entry)) users.push(entry);
    else if (groupId.test(entry)) groups.push(entry);
    else throw new ApproverListError(`"${entry.slice(0, 40)}" is neither a Slack user id (U..., W...) nor a user group id (S...); find ids in a profile's or group's "Copy member ID" / "Copy group ID"`);
  }
  return { users, groups };
}

export class ApproverList {
  private readonly users: Set<string>;
  private readonly groups: string[];
  private cache = new Map<string, { members: Set<string>; until: number }>();

  constructor(
    entries: readonly string[],
    private readonly client: UserGroupsClient,
    private readonly options: { log: Logger; now: () => number; ttlMs?: number },
  ) {
    const parsed = parseApprovers(entries);
    this.users = new Set(parsed.users);
    this.groups = parsed.groups;
  }

  get empty(): boolean {
    return this.users.size === 0 && this.groups.length === 0;
  }

  /** Whether `user` may approve and reject; why not, when not. */
  async check(user: string): Promise<{ allowed: true } | { allowed: false; reason: string }> {
    if (this.users.has(user)) return { allowed: true };
    for (const group of this.groups) if ((await this.members(group)).has(user)) return { allowed: true };
    if (this.empty) return { allowed: false, reason: 'this agent has no Slack approvers (--slack-approvers): nobody can approve from Slack' };
    return { allowed: false, reason: `Slack user ${user} is not on this agent's approver list (--slack-approvers)` };
  }

  private async members(group: string): Promise<Set<string>> {
    const now = this.options.now();
    const cached = this.cache.get(group);
    if (cached && cached.until > now) return cached.members;
    try {
      const answer = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(answer.users ?? []);
      this.cache.set(group, { members, until: now + (this.options.ttlMs ?? 60_000) });
      return members;
    } catch (error) {
      this.options.log.warn('cannot resolve a Slack approver group; it allows nobody until it resolves', { group, error: (error as Error).message });
      return new Set();
    }
  }
}
