/**
 * What `devops-agent audit verify` checks: the audit chain where the configured agent keeps it, the
 * SQLite file (opened read-only, so verifying never changes it) or the DynamoDB table.
 */
import type { AgentConfig } from '../config.js';
import type { AuditVerification } from './audit-chain.js';

export async function verifyStoredAudit(config: Pick<AgentConfig, 'store' | 'sqlitePath' | 'aws'>): Promise<{ where: string; result: AuditVerification }> {
  if (config.store === 'dynamodb') {
    const { DynamoDbStateStore } = await import('./dynamodb-store.js');
    const store = new DynamoDbStateStore({ tableName: config.aws.dynamodbTable!, ...(config.aws.region ? { region: config.aws.region } : {}), ...(config.aws.dynamodbEndpoint ? { endpoint: config.aws.dynamodbEndpoint } : {}) });
    return { where: `DynamoDB table ${config.aws.dynamodbTable}`, result: await store.verifyAudit() };
  }
  const { openSqlite, verifySqliteAudit } = await import('./sqlite-store.js');
  const db = openSqlite(config.sqlitePath, { readonly: true });
  try {
    return { where: config.sqlitePath, result: verifySqliteAudit(db) };
  } finally {
    db.close();
  }
}
