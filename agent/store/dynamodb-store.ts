/**
 * The EKS state store: one DynamoDB table (single-table design), written with conditional expressions.
 *
 * | item            | PK                  | SK                         | GSI1PK / GSI1SK               |
 * | --------------- | ------------------- | -------------------------- | ----------------------------- |
 * | alert           | ALERT#<alert id>    | ALERT                      |                               |
 * | incident        | INCIDENT#<id>       | INCIDENT                   | INCIDENTS / <createdAt>#<id>  |
 * | group key index | GROUP#<key>         | INCIDENT#<id>              |                               |
 * | workflow state  | INCIDENT#<id>       | WORKFLOW                   |                               |
 * | approval        | INCIDENT#<id>       | APPROVAL#<at>#<action id>  |                               |
 * | audit entry     | INCIDENT#<id>|AUDIT | AUDIT#<at>#<seq, 8 hex>    | AUDIT / <at>#<seq, 8 hex>     |
 * | audit head      | AUDIT#CHAIN         | HEAD                       |                               |
 *
 * The documents (`incident` of an incident item, `state` of a workflow item) are DynamoDB maps, or,
 * once their JSON passes COMPRESS_ABOVE_BYTES, gzipped JSON in a binary attribute of the same name: a
 * long incident (timeline, findings) or workflow (step outputs) would otherwise pass DynamoDB's 400 KB
 * item limit, and fewer bytes are fewer write units. Readers take either form.
 *
 * Table: PK (S) + SK (S) keys, a GSI `GSI1` on GSI1PK (S) + GSI1SK (S) projecting ALL, on-demand
 * capacity (infra/eks creates it). Incidents carry `updatedAt` (S), which strictly increases with every
 * write (store/mutate.ts); conditional writes test it, so a lost race is a
 * ConditionalCheckFailedException (or a cancelled transaction) -> IncidentConflict.
 *
 * The audit log is a hash chain (audit-chain.ts): each entry is written in one transaction with the
 * chain's head item, conditional on the head being the one the writer read, so two writers (two agent
 * replicas) can never link to the same entry; the loser re-reads the head and appends after the
 * winner. Entries are never updated or deleted by the agent (on EKS its IAM role may be denied
 * UpdateItem/DeleteItem on AUDIT items outright). Entries from before the chain carry no hash (legacy).
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Alert, Approval, Incident } from '../../core/types.js';
import { isFinal } from '../../core/incident-lifecycle.js';
import type { AuditEntry, StateStore } from '../ports.js';
import { fromAttribute, fromItem, toAttribute, toItem } from './attribute-values.js';
import { linkFor, verifyAuditChain, type AuditVerification, type StoredAuditEntry } from './audit-chain.js';
import { IncidentConflict, StoreUnavailable } from './errors.js';
import { decodeCursor, encodeCursor, namespaceOf, type IncidentPage } from './sqlite-store.js';
import { awsRetry } from '../../lib/platform/retry.js';

type Item = Record<string, AttributeValue>;

export interface DynamoDbStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
  region?: string;
  endpoint?: string;
}

const S = (value: string): AttributeValue => ({ S: value });

/** Documents whose JSON is larger than this are stored gzipped (see the header). */
export const COMPRESS_ABOVE_BYTES = 64 * 1024;
/** What a compressed document may take of DynamoDB's 400 KB item, leaving room for the other attributes. */
const MAX_DOCUMENT_BYTES = 380 * 1024;

/** A document as an attribute: a map, or gzipped JSON when large. */
export function documentAttribute(value: unknown, what: string): AttributeValue {
  const json = JSON.stringify(value ?? null);
  if (Buffer.byteLength(json) <= COMPRESS_ABOVE_BYTES) return toAttribute(JSON.parse(json));
  const compressed = gzipSync(json);
  if (compressed.byteLength > MAX_DOCUMENT_BYTES) {
    throw new Error(`${what} is ${Math.round(compressed.byteLength / 1024)} KB even compressed, more than a DynamoDB item holds (400 KB); its timeline or step outputs need trimming`);
  }
  return { B: new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength) };
}

export function documentOf(attribute: AttributeValue): unknown {
  return attribute.B !== undefined ? (JSON.parse(gunzipSync(attribute.B).toString('utf8')) as unknown) : fromAttribute(attribute);
}

export class DynamoDbStateStore implements StateStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  /** Group keys already written by this process; each is indexed once, not on every save. */
  private readonly indexed = new Set<string>();

  constructor(options: DynamoDbStoreOptions) {
    this.table = options.tableName;
    this.client = options.client ?? new DynamoDBClient({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...awsRetry() });
  }

  async ping(): Promise<void> {
    await this.call('checking the table', () => this.client.send(new GetItemCommand({ TableName: this.table, Key: { PK: S('PING'), SK: S('PING') } })));
  }

  async saveAlert(alert: Alert): Promise<{ duplicate: boolean }> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { PK: S(`ALERT#${alert.id}`), SK: S('ALERT'), status: S(alert.status), startsAt: S(alert.startsAt), receivedAt: S(alert.receivedAt), alert: toAttribute(jsonOf(alert)) },
          // A notification is news unless the same alert was already stored with this status and start.
          ConditionExpression: 'attribute_not_exists(PK) OR #status <> :status OR startsAt <> :startsAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': S(alert.status), ':startsAt': S(alert.startsAt) },
        }),
      );
      return { duplicate: false };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { duplicate: true };
      throw new StoreUnavailable(`saving alert ${alert.id}`, error);
    }
  }

  async getAlerts(ids: readonly string[]): Promise<Alert[]> {
    const found = new Map<string, Alert>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Item[] = unique.slice(i, i + 100).map((id) => ({ PK: S(`ALERT#${id}`), SK: S('ALERT') }));
      // BatchGetItem may leave keys unprocessed under throttling; ask again for those, a few times.
      for (let round = 0; keys.length > 0 && round < 5; round++) {
        const response = await this.call('reading alerts', () => this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys } } })));
        for (const item of response.Responses?.[this.table] ?? []) {
          const alert = fromAttribute(item.alert!) as Alert;
          found.set(alert.id, alert);
        }
        keys = response.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const response = await this.call(`reading incident ${id}`, () =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { PK: S(`INCIDENT#${id}`), SK: S('INCIDENT') }, ConsistentRead: true })),
    );
    return response.Item ? (documentOf(response.Item.incident!) as Incident) : undefined;
  }

  async putIncident(incident: Incident, options: { expectedUpdatedAt?: string } = {}): Promise<void> {
    const namespace = namespaceOf(incident);
    const item: Item = {
      PK: S(`INCIDENT#${incident.id}`),
      SK: S('INCIDENT'),
      GSI1PK: S('INCIDENTS'),
      GSI1SK: S(`${incident.createdAt}#${incident.id}`),
      status: S(incident.status),
      severity: S(incident.severity),
      ...(namespace ? { namespace: S(namespace) } : {}),
      createdAt: S(incident.createdAt),
      updatedAt: S(incident.updatedAt),
      incident: documentAttribute(incident, `incident ${incident.id}`),
    };
    const put = {
      TableName: this.table,
      Item: item,
      ...(options.expectedUpdatedAt !== undefined ? { ConditionExpression: 'updatedAt = :expected', ExpressionAttributeValues: { ':expected': S(options.expectedUpdatedAt) } } : {}),
    };
    const newKeys = (incident.groupKeys ?? []).filter((key) => !this.indexed.has(`${key}|${incident.id}`));
    try {
      if (newKeys.length === 0) {
        await this.client.send(new PutItemCommand(put));
      } else {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: put },
              ...newKeys.map((key) => ({
                Put: { TableName: this.table, Item: { PK: S(`GROUP#${key}`), SK: S(`INCIDENT#${incident.id}`), incidentId: S(incident.id), createdAt: S(incident.createdAt) } },
              })),
            ],
          }),
        );
        for (const key of newKeys) this.indexed.add(`${key}|${incident.id}`);
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new IncidentConflict(incident.id);
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new IncidentConflict(incident.id);
      throw new StoreUnavailable(`saving incident ${incident.id}`, error);
    }
  }

  async listIncidents(options: { status?: Incident['status'][]; severity?: Incident['severity'][]; namespace?: string; limit?: number; cursor?: string } = {}): Promise<IncidentPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Item = { ':pk': S('INCIDENTS') };
    const inList = (attribute: string, list: readonly string[]) => {
      names[`#${attribute}`] = attribute;
      filters.push(`#${attribute} IN (${list.map((value, i) => {
        values[`:${attribute}${i}`] = S(value);
        return `:${attribute}${i}`;
      }).join(', ')})`);
    };
    if (options.status?.length) inList('status', options.status);
    if (options.severity?.length) inList('severity', options.severity);
    if (options.namespace) inList('namespace', [options.namespace]);
    let startKey: Item | undefined;
    if (options.cursor) {
      const [createdAt, id] = decodeCursor(options.cursor);
      startKey = { PK: S(`INCIDENT#${id}`), SK: S('INCIDENT'), GSI1PK: S('INCIDENTS'), GSI1SK: S(`${createdAt}#${id}`) };
    }
    const items: Incident[] = [];
    // Filters apply after DynamoDB's page limit, so keep reading pages until one more than asked is found.
    do {
      const response = await this.call('listing incidents', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: limit + 1,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of response.Items ?? []) items.push(documentOf(item.incident!) as Incident);
      startKey = response.LastEvaluatedKey;
    } while (startKey && items.length <= limit);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return (items.length > limit || startKey) && last ? { items: page, cursor: encodeCursor(last.createdAt, last.id) } : { items: page };
  }

  async findOpenIncident(groupKey: string): Promise<Incident | undefined> {
    // Incident ids start with their creation time, so the newest incidents of a key come first.
    const response = await this.call(`finding the incident of ${groupKey}`, () =>
      this.client.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': S(`GROUP#${groupKey}`) }, ScanIndexForward: false, Limit: 5 })),
    );
    for (const item of response.Items ?? []) {
      const incident = await this.getIncident(String(fromAttribute(item.incidentId!)));
      if (incident && !isFinal(incident.status)) return incident;
    }
    return undefined;
  }

  async saveWorkflowState(incidentId: string, state: unknown): Promise<void> {
    await this.call(`saving the workflow of ${incidentId}`, () =>
      this.client.send(new PutItemCommand({ TableName: this.table, Item: { PK: S(`INCIDENT#${incidentId}`), SK: S('WORKFLOW'), updatedAt: S(new Date().toISOString()), state: documentAttribute(state, `the workflow state of ${incidentId}`) } })),
    );
  }

  async loadWorkflowState(incidentId: string): Promise<unknown | undefined> {
    const response = await this.call(`reading the workflow of ${incidentId}`, () =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { PK: S(`INCIDENT#${incidentId}`), SK: S('WORKFLOW') }, ConsistentRead: true })),
    );
    return response.Item?.state ? documentOf(response.Item.state) : undefined;
  }

  async recordApproval(incidentId: string, approval: Approval): Promise<void> {
    await this.call(`recording the approval of ${approval.actionId}`, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { PK: S(`INCIDENT#${incidentId}`), SK: S(`APPROVAL#${approval.at}#${approval.actionId}`), ...toItem(jsonOf(approval) as Record<string, unknown>) },
          // One decision per action: a second approve/reject of the same action is refused by the API
          // before it gets here, and by this condition if two arrive at once.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  /** The decisions recorded for an incident, in the order they were taken. */
  async listApprovals(incidentId: string): Promise<Approval[]> {
    const approvals: Approval[] = [];
    let startKey: Item | undefined;
    do {
      const response = await this.call(`reading the approvals of ${incidentId}`, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :approval)',
            ExpressionAttributeValues: { ':pk': S(`INCIDENT#${incidentId}`), ':approval': S('APPROVAL#') },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of response.Items ?? []) {
        const { PK: _pk, SK: _sk, ...approval } = fromItem(item);
        approvals.push(approval as unknown as Approval);
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return approvals;
  }

  /** Appends after the chain's head, in one transaction with moving the head (see the header). */
  async appendAudit(entry: AuditEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.auditHead();
      const link = linkFor((head?.seq ?? 0) + 1, head?.hash, entry);
      const sortKey = `${entry.at}#${link.seq.toString(16).padStart(8, '0')}`;
      try {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    PK: S(entry.incidentId ? `INCIDENT#${entry.incidentId}` : 'AUDIT'),
                    SK: S(`AUDIT#${sortKey}`),
                    GSI1PK: S('AUDIT'),
                    GSI1SK: S(sortKey),
                    at: S(entry.at),
                    ...(entry.incidentId ? { incidentId: S(entry.incidentId) } : {}),
                    actor: S(entry.actor),
                    action: S(entry.action),
                    detail: toAttribute(jsonOf(entry.detail ?? {})),
                    seq: { N: String(link.seq) },
                    prevHash: S(link.prevHash),
                    hash: S(link.hash),
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: { ...AUDIT_HEAD, seq: { N: String(link.seq) }, hash: S(link.hash), at: S(entry.at) },
                  ...(head
                    ? { ConditionExpression: '#seq = :seq AND #hash = :hash', ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' }, ExpressionAttributeValues: { ':seq': { N: String(head.seq) }, ':hash': S(head.hash) } }
                    : { ConditionExpression: 'attribute_not_exists(PK)' }),
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        const raced = error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed');
        if (raced && attempt < 10) continue;
        throw new StoreUnavailable('appending to the audit log', raced ? new Error(`the chain's head moved ${attempt} times in a row (many writers at once); try again`) : error);
      }
    }
  }

  /** Recomputes the chain from every entry (the AUDIT index, oldest first) and checks the head item. */
  async verifyAudit(): Promise<AuditVerification> {
    let result: AuditVerification | undefined;
    // The index is eventually consistent: entries just written may show a moment later.
    for (let read = 1; read <= 3; read++) {
      const head = await this.auditHead();
      const items: Item[] = [];
      let startKey: Item | undefined;
      do {
        const response = await this.call('reading the audit log', () =>
          this.client.send(new QueryCommand({ TableName: this.table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': S('AUDIT') }, ScanIndexForward: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
        );
        items.push(...(response?.Items ?? []));
        startKey = response?.LastEvaluatedKey;
      } while (startKey);
      const entries: StoredAuditEntry[] = items.map((item, index) => ({
        ...auditEntryOf(item),
        seq: item.seq ? Number(fromAttribute(item.seq)) : index + 1,
        prevHash: item.prevHash ? String(fromAttribute(item.prevHash)) : null,
        hash: item.hash ? String(fromAttribute(item.hash)) : null,
      }));
      const chained = entries.filter((e) => e.hash).sort((a, b) => a.seq - b.seq);
      const chainStart = chained[0]?.at;
      // Unhashed entries from before the chain come first; one written after it started is a break.
      const before = entries.filter((e) => !e.hash && (!chainStart || e.at < chainStart));
      const after = entries.filter((e) => !e.hash && chainStart && e.at >= chainStart);
      result = verifyAuditChain([...before, ...chained, ...after], head);
      if (result.ok || !head || (chained.at(-1)?.seq ?? 0) >= head.seq) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return result!;
  }

  private async auditHead(): Promise<{ seq: number; hash: string } | undefined> {
    const response = await this.call('reading the audit chain', () => this.client.send(new GetItemCommand({ TableName: this.table, Key: AUDIT_HEAD, ConsistentRead: true })));
    const item = response?.Item;
    return item?.seq && item.hash ? { seq: Number(fromAttribute(item.seq)), hash: String(fromAttribute(item.hash)) } : undefined;
  }

  /** A small committed write: the readiness probe's proof that the table takes writes again. */
  async probeWrite(): Promise<void> {
    await this.call('probing the table', () => this.client.send(new PutItemCommand({ TableName: this.table, Item: { PK: S('HEALTH'), SK: S('PROBE'), at: S(new Date().toISOString()) } })));
  }

  /** Oldest first; with `limit`, the latest `limit` entries. */
  async listAudit(options: { incidentId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const query: Omit<QueryCommandInput, 'TableName'> = options.incidentId
      ? { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)', ExpressionAttributeValues: { ':pk': S(`INCIDENT#${options.incidentId}`), ':audit': S('AUDIT#') } }
      : { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': S('AUDIT') } };
    const response = await this.call('reading the audit log', () => this.client.send(new QueryCommand({ TableName: this.table, ...query, ScanIndexForward: false, Limit: limit })));
    return (response.Items ?? []).reverse().map(auditEntryOf);
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new StoreUnavailable(what, error);
    }
  }
}

const AUDIT_HEAD: Item = { PK: S('AUDIT#CHAIN'), SK: S('HEAD') };

function auditEntryOf(item: Item): AuditEntry {
  return {
    at: String(fromAttribute(item.at!)),
    ...(item.incidentId ? { incidentId: String(fromAttribute(item.incidentId)) } : {}),
    actor: String(fromAttribute(item.actor!)),
    action: String(fromAttribute(item.action!)),
    detail: (item.detail ? fromAttribute(item.detail) : {}) as Record<string, unknown>,
  };
}

/** Drops undefined members and class instances, exactly what survives JSON. */
function jsonOf(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}
