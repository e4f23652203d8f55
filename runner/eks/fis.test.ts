import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experiment, experimentId, fisCommands, mockKitAws, region, templateId } from '../../test/support/runner/aws.js';
import { AwsClients } from './aws.js';
import { AwsFisExperiments } from './fis.js';

test('StartExperiment, GetExperiment and StopExperiment as experiment states', async () => {
  const aws = mockKitAws();
  try {
    const fis = new AwsFisExperiments(new AwsClients(region));
    assert.equal(await fis.start(templateId, { clientToken: 'memory-leak-run-1', tags: { 'eks-incident-kit/run': 'run-1' } }), { id: experimentId, status: 'initiating', reason: 'Experiment is initiating.' });
    assert.equal(await fis.get(experimentId), { id: experimentId, status: 'running', reason: 'Experiment is running.' });
    assert.equal(await fis.stop(experimentId), { id: experimentId, status: 'stopping', reason: 'Stopping experiment.' });
    assert.equal(aws.fis.commandCalls(fisCommands.get)[0]!.args[0].input, { id: experimentId });
    assert.equal(aws.fis.commandCalls(fisCommands.stop)[0]!.args[0].input, { id: experimentId });
  } finally {
    aws.restore();
  }
});

test('a failed experiment keeps its reason; an answer without an experiment is an error', async () => {
  const aws = mockKitAws();
  try {
    aws.fis.on(fisCommands.get).resolves({ $metadata: aws.metadata, experiment: experiment('failed', 'Target resolution failed for target LeakingPod: no pods matched app=petlistadoptions in namespace petadoptions.') });
    const fis = new AwsFisExperiments(new AwsClients(region));
    assert.equal(await fis.get(experimentId), { id: experimentId, status: 'failed', reason: 'Target resolution failed for target LeakingPod: no pods matched app=petlistadoptions in namespace petadoptions.' });
    aws.fis.on(fisCommands.stop).resolves({ $metadata: aws.metadata });
    await fis.stop(experimentId).then(() => assert.unreachable(), (error: Error) => assert.match(error.message, /StopExperiment answered without an experiment/));
  } finally {
    aws.restore();
  }
});

test.run();
