import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { traceDocuments } from './documents.js';
import { traceSummary } from './summaries.js';
import { syntheticTrace } from '../../../../test/support/simulation/synthetic-traces.js';

const lastEntity = (cause: { Services: { Name?: string; EntityPath: { Name: string; Remote: boolean }[] }[] }) => {
  const service = cause.Services[cause.Services.length - 1]!;
  return { service: service.Name, entity: service.EntityPath[service.EntityPath.length - 1]! };
};

test('response time root cause tells a slow wire from a slow service', () => {
  const networkDelay = traceSummary(syntheticTrace({ rootEnd: 1, call: { start: 0.05, end: 0.95 }, callee: { start: 0.06, end: 0.1 } }));
  assert.equal(lastEntity(networkDelay.ResponseTimeRootCauses[0]!), { service: 'petsite', entity: { Name: 'petsearch.petadoptions.svc.cluster.local', Coverage: 0.9, Remote: true } });
  assert.is(networkDelay.ResponseTimeRootCauses[0]!.Services.length, 1, 'petsearch itself is not blamed');

  const slowCallee = traceSummary(syntheticTrace({ rootEnd: 1, call: { start: 0.05, end: 0.95 }, callee: { start: 0.06, end: 0.94 } }));
  const cause = slowCallee.ResponseTimeRootCauses[0]!;
  assert.equal(cause.Services.map((s) => s.Name), ['petsite', 'petsearch']);
  assert.equal(lastEntity(cause), { service: 'petsearch', entity: { Name: 'petsearch', Coverage: 0.88, Remote: false } });

  const slowTable = traceSummary(syntheticTrace({ rootEnd: 1, call: { start: 0.05, end: 0.95 }, callee: { start: 0.06, end: 0.94 }, dynamo: { start: 0.1, end: 0.9 } }));
  const table = slowTable.ResponseTimeRootCauses[0]!.Services;
  assert.equal(table.map((s) => [s.Name, s.Type, s.Inferred]), [
    ['petsite', 'AWS::EKS::Container', false],
    ['petsearch', 'AWS::EKS::Container', false],
    ['Services-ddbpetadoption', 'AWS::DynamoDB::Table', true],
  ]);
});

test('fault and error root causes follow the flagged spans to where they started', () => {
  const failed = traceSummary(syntheticTrace({ status: 500, call: { start: 0.1, end: 0.3, status: 500 }, callee: { start: 0.11, end: 0.29, status: 500, exception: 'java.lang.IllegalStateException' } }));
  assert.ok(failed.HasFault);
  const fault = failed.FaultRootCauses[0]!;
  assert.ok(fault.ClientImpacting);
  const last = fault.Services[fault.Services.length - 1]!;
  assert.is(last.Name, 'petsearch');
  assert.equal(last.EntityPath[0]!.Exceptions, [{ Name: 'java.lang.IllegalStateException', Message: 'boom' }]);
  assert.equal(failed.ErrorRootCauses, []);

  const timedOut = traceSummary(syntheticTrace({ status: 504, rootEnd: 3.1, call: { start: 0.05, end: 3.05, fault: true }, callee: { start: 0.06, end: 3.5 } }));
  assert.equal(lastEntity(timedOut.FaultRootCauses[0]!), { service: 'petsite', entity: { Name: 'petsearch.petadoptions.svc.cluster.local', Exceptions: [], Remote: true } });
  assert.ok(timedOut.Duration > timedOut.ResponseTime, 'the callee kept working after the caller gave up');

  const throttled = traceSummary(syntheticTrace({ dynamo: { start: 0.15, end: 0.2, throttle: true } }));
  assert.ok(throttled.HasThrottle && throttled.HasError && !throttled.HasFault);
  const error = throttled.ErrorRootCauses[0]!;
  assert.not.ok(error.ClientImpacting, 'petsite still answered 200');
  assert.equal(error.Services.map((s) => s.Name), ['petsite', 'petsearch', 'Services-ddbpetadoption']);
});

test('summaries carry the entry request, annotations by service and every node touched', () => {
  const summary = traceSummary(syntheticTrace({ annotations: { pet_type: 'kitten' } }));
  assert.equal(summary.Http, { HttpURL: 'http://petsite.petadoptions.svc.cluster.local/Search?selectedPetType=puppy', HttpStatus: 200, HttpMethod: 'GET', UserAgent: 'test-agent', ClientIp: '192.168.9.9' });
  assert.equal(summary.Annotations.pet_type, [{ AnnotationValue: { StringValue: 'kitten' }, ServiceIds: [{ Name: 'petsite', Names: ['petsite'], AccountId: '123456789012', Type: 'AWS::EKS::Container' }] }]);
  assert.equal(summary.Annotations.pod!.map((v) => v.ServiceIds[0]!.Name), ['petsite', 'petsearch']);
  assert.equal(summary.ServiceIds.map((s) => s.Name), ['petsite', 'petsearch', 'Services-ddbpetadoption']);
  assert.equal(summary.EntryPoint.Name, 'petsite');
  assert.equal(summary.Users, [{ UserName: 'user001', ServiceIds: [{ Name: 'petsite', Names: ['petsite'], AccountId: '123456789012', Type: 'AWS::EKS::Container' }] }]);
});

test('documents nest subsegments and point callee and inferred segments at their parents', () => {
  const trace = syntheticTrace();
  const rendered = traceDocuments(trace, { clusterName: 'petadoptions-local' });
  const docs = rendered.Segments.map((s) => JSON.parse(s.Document));
  assert.equal(docs.map((d) => d.name), ['petsite', 'petsearch', 'Services-ddbpetadoption']);
  const [petsite, petsearch, table] = docs;
  assert.is(petsite.origin, 'AWS::EKS::Container');
  assert.equal(petsite.aws.eks, { cluster_name: 'petadoptions-local', pod: 'petsite-abc-12345', container_id: 'c'.repeat(64) });
  assert.is(petsite.subsegments[0].namespace, 'remote');
  assert.is(petsite.subsegments[0].http.request.url, 'http://petsearch.petadoptions.svc.cluster.local/api/search');
  assert.is(petsearch.parent_id, petsite.subsegments[0].id);
  assert.is(petsearch.subsegments[0].namespace, 'aws');
  assert.is(petsearch.subsegments[0].aws.operation, 'Scan');
  assert.is(petsearch.subsegments[0].aws.table_name, 'Services-ddbpetadoption');
  assert.is(table.parent_id, petsearch.subsegments[0].id);
  assert.ok(table.inferred);
  assert.is(table.origin, 'AWS::DynamoDB::Table');
  assert.is(rendered.Duration, 1);
  // Same trace, same documents (request ids are derived, not drawn).
  assert.equal(traceDocuments(trace, { clusterName: 'petadoptions-local' }), rendered);
});

test.run();
