/**
 * What the pet-adoption services call besides each other, as their X-Ray SDKs record it: petsearch
 * scans DynamoDB, payforadoption writes Aurora PostgreSQL and SQS, petlistadoptions and pethistory read
 * Aurora. Names come from the services' configuration in the catalog, so traces, logs and manifests
 * agree. Latencies are the resources' own and do not slow down when the calling pod is CPU-throttled.
 */
import { serviceByName } from '../../../../lib/petadoption/catalog.js';
import { fromMedian, type LogNormal } from '../workload/distributions.js';
import type { ResourceInfo } from './spans.js';

export const REGION = 'us-west-2';
export const ACCOUNT_ID = '123456789012';

/** How a resource call fails when it is where a service's own 5xx comes from. */
export interface ResourceFailure {
  /** Share of the calling service's own 5xx that originate in this call. */
  share: number;
  /** HTTP status the resource answered (400 for DynamoDB throttling; undefined: no response). */
  status?: number;
  /** The resource refused for capacity (X-Ray's `throttle`). */
  throttle?: boolean;
  exception: { type: string; message: string };
}

export interface ResourceCall {
  resource: ResourceInfo;
  latency: LogNormal;
  failure?: ResourceFailure;
}

function env(service: string, name: string, fallback: string): string {
  return serviceByName.get(service)?.env.find((e) => e.name === name)?.value ?? fallback;
}

const tableName = env('petsearch', 'PETS_TABLE_NAME', 'Services-ddbpetadoption');
const queueUrl = env('payforadoption', 'SQS_QUEUE_URL', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/sqs-queue-petadoptions`);
const queueName = queueUrl.split('/').pop()!;
const dbHost = `petadoptions-aurora.cluster-c8zqwnxyzabc.${REGION}.rds.amazonaws.com`;
const dbName = 'adoptions';

const dynamoScan: ResourceInfo = {
  name: tableName,
  type: 'AWS::DynamoDB::Table',
  subsegmentName: 'DynamoDB',
  namespace: 'aws',
  operation: 'Scan',
  aws: { operation: 'Scan', region: REGION, table_name: tableName, resource_names: [tableName], retries: 0 },
  url: `https://dynamodb.${REGION}.amazonaws.com/`,
  method: 'POST',
};

const sqsSend: ResourceInfo = {
  name: queueName,
  type: 'AWS::SQS::Queue',
  subsegmentName: 'SQS',
  namespace: 'aws',
  operation: 'SendMessage',
  aws: { operation: 'SendMessage', region: REGION, queue_url: queueUrl, resource_names: [queueUrl], retries: 0 },
  url: `https://sqs.${REGION}.amazonaws.com/`,
  method: 'POST',
};

function sql(operation: string, query: string, driver: string): ResourceInfo {
  return {
    name: `${dbName}@${dbHost}`,
    type: 'Database::SQL',
    subsegmentName: `${dbName}@${dbHost}`,
    namespace: 'remote',
    operation,
    sql: {
      url: `postgresql://${dbHost}:5432/${dbName}`,
      database_type: 'PostgreSQL',
      database_version: '14.9',
      driver_version: driver,
      user: 'petadmin',
      preparation: 'prepared',
      sanitized_query: query,
    },
  };
}

const goDriver = 'github.com/lib/pq';
const badConnection = { type: '*errors.errorString', message: 'driver: bad connection' };

/** Resource calls made while serving one request, by service and route. */
const CALLS: Record<string, Record<string, ResourceCall[]>> = {
  petsearch: {
    '/api/search': [
      {
        resource: dynamoScan,
        latency: fromMedian(0.009, 0.5),
        failure: {
          share: 0.6,
          status: 400,
          throttle: true,
          exception: { type: 'com.amazonaws.services.dynamodbv2.model.ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.' },
        },
      },
    ],
  },
  payforadoption: {
    '/api/completeadoption': [
      { resource: sql('INSERT', 'INSERT INTO transactions (pet_id, adoption_date, transaction_id) VALUES ($1, $2, $3)', goDriver), latency: fromMedian(0.006, 0.5), failure: { share: 0.5, exception: badConnection } },
      { resource: sqsSend, latency: fromMedian(0.012, 0.4) },
    ],
    '/api/cleanupadoptions': [{ resource: sql('DELETE', 'DELETE FROM transactions', goDriver), latency: fromMedian(0.03, 0.5), failure: { share: 0.5, exception: badConnection } }],
  },
  petlistadoptions: {
    '/api/adoptionlist/': [{ resource: sql('SELECT', 'SELECT pet_id, transaction_id, adoption_date FROM transactions ORDER BY adoption_date DESC LIMIT $1', goDriver), latency: fromMedian(0.008, 0.5), failure: { share: 0.6, exception: badConnection } }],
  },
  pethistory: {
    '/petadoptionshistory/api/home/transactions': [
      {
        resource: sql('SELECT', 'SELECT * FROM transactions_history ORDER BY adoption_date DESC LIMIT %s', 'psycopg2 2.9.9'),
        latency: fromMedian(0.01, 0.5),
        failure: { share: 0.6, exception: { type: 'psycopg2.OperationalError', message: 'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally before or while processing the request.' } },
      },
    ],
  },
};

export function resourceCalls(service: string, route: string): ResourceCall[] {
  return CALLS[service]?.[route] ?? [];
}

/** Every resource any service calls (for the service graph's node table). */
export function allResourceCalls(): { service: string; route: string; call: ResourceCall }[] {
  return Object.entries(CALLS).flatMap(([service, routes]) => Object.entries(routes).flatMap(([route, calls]) => calls.map((call) => ({ service, route, call }))));
}
