import { alertRuleGroups } from '../../../infra/local/deploy/rules.js';
import { loadAllScenarios } from '../../../scenarios/catalog.js';
import { services } from '../../../infra/local/simulation/workload/catalog.js';
import { App } from 'aws-cdk-lib';
console.log(alertRuleGroups(undefined).length, loadAllScenarios().map(s=>s.spec.name), services.length, typeof App);
