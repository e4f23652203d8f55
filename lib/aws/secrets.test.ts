import { DecryptionFailure, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSecretString, regionOfSecretArn, SecretReadError } from './secrets.js';

const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-McpApiKeySecret-Ab12Cd';
const metadata = { httpStatusCode: 400, requestId: '3f6bd3a1-5b4e-4f0e-9a7c-2d8e1c4b6a90', attempts: 1, totalRetryDelay: 0 };

/** GetSecretValue as Secrets Manager answers it (the documented response members). */
const secretValue = (secretString: string | undefined) => ({
  ARN: arn,
  Name: 'EksIncidentKit-McpApiKeySecret',
  VersionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  ...(secretString === undefined ? { SecretBinary: new Uint8Array([1, 2, 3]) } : { SecretString: secretString }),
  VersionStages: ['AWSCURRENT'],
  CreatedDate: new Date('2026-11-20T14:03:12.000Z'),
  $metadata: { httpStatusCode: 200 },
});

test('the region comes from the ARN when none is given', () => {
  assert.is(regionOfSecretArn(arn), 'us-west-2');
  assert.is(regionOfSecretArn('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-Ab12Cd'), 'cn-north-1');
  assert.is(regionOfSecretArn('EksIncidentKit-McpApiKeySecret'), undefined, 'a name has no region');
});

test('readSecretString returns the current SecretString, asking for the secret by its ARN', async () => {
  const sm = mockClient(SecretsManagerClient);
  sm.on(GetSecretValueCommand).resolves(secretValue('q7Vd2kLm9XpR4tYw8ZbN3cFh6JsA1eGu5HiKoPqW0rTyUxEz'));
  assert.is(await readSecretString(arn), 'q7Vd2kLm9XpR4tYw8ZbN3cFh6JsA1eGu5HiKoPqW0rTyUxEz');
  assert.equal(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input, { SecretId: arn });
  sm.restore();
});

test('errors name the secret and say what to do', async () => {
  const sm = mockClient(SecretsManagerClient);
  const cases: [Error, RegExp][] = [
    [new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: metadata }), /cannot read secret arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-McpApiKeySecret-Ab12Cd: Secrets Manager can't find the specified secret\. \(check the ARN and the region/],
    [
      new SecretsManagerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: `User: arn:aws:sts::123456789012:assumed-role/devops-agent/botocore-session is not authorized to perform: secretsmanager:GetSecretValue on resource: ${arn} because no identity-based policy allows the secretsmanager:GetSecretValue action`, $metadata: metadata }),
      /not authorized to perform: secretsmanager:GetSecretValue .* \(the role needs secretsmanager:GetSecretValue on this secret/,
    ],
    [new DecryptionFailure({ message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", $metadata: metadata }), /can't decrypt .* \(the role cannot use the secret's KMS key: allow kms:Decrypt/],
  ];
  for (const [error, message] of cases) {
    sm.on(GetSecretValueCommand).rejects(error);
    await readSecretString(arn).then(
      () => assert.unreachable(),
      (failure) => {
        assert.instance(failure, SecretReadError);
        assert.match((failure as Error).message, message);
      },
    );
  }
  sm.on(GetSecretValueCommand).resolves(secretValue(undefined));
  await readSecretString(arn).then(
    () => assert.unreachable(),
    (failure) => assert.match((failure as Error).message, /holds binary data \(SecretBinary\), not text/),
  );
  sm.on(GetSecretValueCommand).resolves(secretValue('  \n'));
  await readSecretString(arn).then(
    () => assert.unreachable(),
    (failure) => assert.match((failure as Error).message, /its value is empty/),
  );
  sm.restore();
});

test('a client given is used and kept open', async () => {
  const sm = mockClient(SecretsManagerClient);
  sm.on(GetSecretValueCommand).resolves(secretValue('k'.repeat(48)));
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
  assert.is(await readSecretString('EksIncidentKit-McpApiKeySecret', { client }), 'k'.repeat(48));
  assert.is(await readSecretString('EksIncidentKit-McpApiKeySecret', { client }), 'k'.repeat(48), 'still usable');
  sm.restore();
});

test.run();
