/** The FisExperiments port over AWS FIS (StartExperiment, GetExperiment, StopExperiment). */
import type { Experiment } from '@aws-sdk/client-fis';
import type { ExperimentState, ExperimentStatus, FisExperiments } from '../ports.js';
import { awsCalls, type AwsClients } from './aws.js';

export class AwsFisExperiments implements FisExperiments {
  constructor(private readonly aws: AwsClients) {}

  async start(templateId: string, options: { clientToken: string; tags: Record<string, string> }): Promise<ExperimentState> {
    return stateOf((await this.aws.startExperiment(awsCalls.startExperiment(templateId, options.clientToken, options.tags))).experiment, 'StartExperiment');
  }

  async get(experimentId: string): Promise<ExperimentState> {
    return stateOf((await this.aws.getExperiment(awsCalls.getExperiment(experimentId))).experiment, 'GetExperiment');
  }

  async stop(experimentId: string): Promise<ExperimentState> {
    return stateOf((await this.aws.stopExperiment(awsCalls.stopExperiment(experimentId))).experiment, 'StopExperiment');
  }
}

function stateOf(experiment: Experiment | undefined, operation: string): ExperimentState {
  if (!experiment?.id) throw new Error(`FIS ${operation} answered without an experiment`);
  return { id: experiment.id, status: (experiment.state?.status ?? 'pending') as ExperimentStatus, ...(experiment.state?.reason ? { reason: experiment.state.reason } : {}) };
}
