/**
 * The CDK app of the eks target: `npm run eks:deploy` at the kit's root (cdk deploy --all here).
 * Settings come from CDK context (docs/deploy-eks.md); cdk-nag's AwsSolutions checks run on every synth,
 * so a finding without a documented suppression fails `cdk synth` as it fails the tests.
 */
import { App, Validations } from 'aws-cdk-lib';
import { buildIncidentKit } from '../lib/blueprint.js';
import { KitAwsSolutionsChecks } from '../lib/nag.js';
import { MissingDockerfileError } from '../lib/resources.js';
import { SettingsError, readSettings } from '../lib/settings.js';

const app = new App();
try {
  const settings = readSettings((key) => app.node.tryGetContext(key));
  await buildIncidentKit(app, settings);
} catch (error) {
  if (error instanceof SettingsError || error instanceof MissingDockerfileError) {
    process.stderr.write(`eks-incident-kit: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
Validations.of(app).addPlugins(new KitAwsSolutionsChecks(app));
app.synth();
