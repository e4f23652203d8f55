/**
 * A real DynamoDB on loopback for the store's tests: dynalite (DynamoDB's API over LevelDB in memory:
 * its own condition, key and update expression evaluation, item size limit, paging and error shapes),
 * with the agent's state table created exactly as infra/eks defines it.
 *
 * dynalite has no TransactWriteItems (its operations: PutItem, UpdateItem, DeleteItem, Query, ...), and
 * the store writes its audit chain and new incidents in transactions. So requests pass through a small
 * front server that forwards everything to dynalite unchanged, one request at a time, and composes a
 * TransactWriteItems from dynalite's own conditional single-item writes while no other request runs:
 * each condition is still evaluated by dynalite, the writes before a failed one are put back, and the
 * failure is DynamoDB's TransactionCanceledException with one cancellation reason per item. Hand-written
 * because no maintained package adds transactions to dynalite, and DynamoDB Local is not open source.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Item = Record<string, AttributeValue>;

/** Test credentials: dynalite wants a signed request, and checks nothing of the signature. */
export const loopbackCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * The agent's state table as infra/eks/lib/resources.ts (AgentStateTableProvider) creates it: PK/SK
 * strings, on demand, GSI1 over GSI1PK/GSI1SK projecting everything, no TTL attribute.
 * dynamodb-store.dynalite.test.ts checks this against that file.
 */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export interface LoopbackDynamoDb {
  /** http://127.0.0.1:<port>: what `--dynamodb-endpoint` takes. */
  endpoint: string;
  /** A client of the endpoint (region and credentials set; no retries, so a failure shows at once). */
  client(): DynamoDBClient;
  createStateTable(tableName: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopbackDynamoDb(): Promise<LoopbackDynamoDb> {
  const backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const backendPort = await listen(backend);
  const direct = new DynamoDBClient({ region: 'us-west-2', endpoint: `http://127.0.0.1:${backendPort}`, credentials: loopbackCredentials, maxAttempts: 1 });
  let turn: Promise<unknown> = Promise.resolve();
  /** One request at a time, so a composed transaction is atomic to every other client. */
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };
  const front = createServer((req, res) => {
    void readBody(req).then((body) =>
      inTurn(() => (req.headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems' ? transactWrite(direct, body, res) : forward(backendPort, req, body, res))).catch((error: unknown) => {
        if (!res.headersSent) reply(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) });
      }),
    );
  });
  const port = await listen(front);
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [direct];
  return {
    endpoint,
    client() {
      const client = new DynamoDBClient({ region: 'us-west-2', endpoint, credentials: loopbackCredentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    async createStateTable(tableName) {
      await direct.send(new CreateTableCommand(stateTableDefinition(tableName)));
    },
    async close() {
      for (const client of clients) client.destroy();
      for (const server of [front, backend]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(port: number, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `loopback-${Date.now()}` });
  res.end(text);
}

function fromWire(value: AttributeValue): AttributeValue {
  const binary = (value as { B?: unknown }).B;
  return typeof binary === 'string' ? { B: Buffer.from(binary, 'base64') } : value;
}

/** The one item a transaction entry writes: its table, key and the single-item request doing it. */
function singleWrite(entry: TransactWriteItem, keyOf: (table: string, item: Item) => Item): { table: string; key: Item; apply: (client: DynamoDBClient) => Promise<unknown> } {
  if (entry.Put) {
    // Binary attributes come off the wire in base64; the SDK sends bytes.
    const put = { ...entry.Put, Item: Object.fromEntries(Object.entries(entry.Put.Item!).map(([name, value]) => [name, fromWire(value)])) as Item };
    return { table: put.TableName!, key: keyOf(put.TableName!, put.Item!), apply: (client) => client.send(new PutItemCommand(put)) };
  }
  if (entry.Update) {
    const update = entry.Update;
    return { table: update.TableName!, key: update.Key!, apply: (client) => client.send(new UpdateItemCommand(update)) };
  }
  if (entry.Delete) {
    const remove = entry.Delete;
    return { table: remove.TableName!, key: remove.Key!, apply: (client) => client.send(new DeleteItemCommand(remove)) };
  }
  throw new Error('this loopback DynamoDB composes Put, Update and Delete in a transaction; ConditionCheck is not supported');
}

async function transactWrite(client: DynamoDBClient, body: Buffer, res: ServerResponse): Promise<void> {
  const { TransactItems: entries = [] } = JSON.parse(body.toString('utf8')) as { TransactItems?: TransactWriteItem[] };
  // The state table's key is PK + SK (the only table these tests use).
  const writes = entries.map((entry) => singleWrite(entry, (_table, item) => ({ PK: item.PK!, SK: item.SK! })));
  const keys = writes.map((w) => `${w.table}|${JSON.stringify(w.key)}`);
  if (new Set(keys).size !== keys.length) {
    reply(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
    return;
  }
  const before: { table: string; key: Item; item?: Item }[] = [];
  for (const [index, write] of writes.entries()) {
    const { Item: item } = await client.send(new GetItemCommand({ TableName: write.table, Key: write.key, ConsistentRead: true }));
    try {
      await write.apply(client);
      before.push({ table: write.table, key: write.key, ...(item ? { item } : {}) });
    } catch (error) {
      // Put back what this transaction wrote, newest first.
      for (const done of before.reverse()) {
        if (done.item) await client.send(new PutItemCommand({ TableName: done.table, Item: done.item }));
        else await client.send(new DeleteItemCommand({ TableName: done.table, Key: done.key }));
      }
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const reasons = writes.map((_, i) => (i === index ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' }));
      reply(res, 400, {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      });
      return;
    }
  }
  reply(res, 200, {});
}
