/**
 * The walls of DESIGN.md fail `npm run lint` when an import breaks one: each forbidden import below is
 * written into a scratch tree shaped like the repository and cruised with the kit's own rules
 * (.dependency-cruiser.cjs), which must name the broken rule. Allowed imports must pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] };

/** Files of a scratch tree: path -> the paths it imports. */
type Tree = Record<string, string[]>;

async function violationsOf(tree: Tree): Promise<{ rule: string; from: string; to: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'walls-'));
  try {
    for (const [file, imports] of Object.entries(tree)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      const lines = imports.map((target, i) => `import * as m${i} from '${relativeSpecifier(file, target)}';\nvoid m${i};`);
      writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const value = 1;\n`);
    }
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const result = await cruise(Object.keys(tree), { ruleSet: { forbidden: config.forbidden } as never, validate: true, tsPreCompilationDeps: true });
      const output = result.output as ICruiseResult;
      return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
    } finally {
      process.chdir(previous);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function relativeSpecifier(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Every forbidden import the design names, with the rule that must catch it. */
const forbidden: [rule: string, from: string, to: string][] = [
  ['core-imports-nothing-of-ours', 'core/types.ts', 'lib/prometheus/client/port.ts'],
  ['core-imports-nothing-of-ours', 'core/types.ts', 'agent/app.ts'],
  ['lib-imports-only-core-and-lib', 'lib/prometheus/client/port.ts', 'mcp/server/cli.ts'],
  ['platform-is-the-bottom-of-lib', 'lib/platform/retry.ts', 'lib/prometheus/client/port.ts'],
  ['simulation-knows-no-one', 'infra/local/simulation/simulation.ts', 'agent/app.ts'],
  ['simulation-knows-no-one', 'infra/local/simulation/simulation.ts', 'mcp/server/cli.ts'],
  ['simulation-knows-no-one', 'infra/local/simulation/simulation.ts', 'runner/run.ts'],
  ['simulation-knows-no-one', 'infra/local/simulation/simulation.ts', 'infra/local/deploy/commands.ts'],
  ['deploy-launches-never-imports', 'infra/local/deploy/components/agent.ts', 'agent/config.ts'],
  ['deploy-launches-never-imports', 'infra/local/deploy/components/mcp-server.ts', 'mcp/server/cli.ts'],
  ['deploy-launches-never-imports', 'infra/local/deploy/components/simulation.ts', 'infra/local/simulation/main.ts'],
  ['agent-knows-no-target-internals', 'agent/cli.ts', 'infra/local/deploy/state.ts'],
  ['agent-knows-no-target-internals', 'agent/evidence/kubernetes.ts', 'infra/local/simulation/simulation.ts'],
  ['agent-knows-no-target-internals', 'agent/evidence/metrics.ts', 'mcp/tools/query.ts'],
  ['agent-knows-no-target-internals', 'agent/app.ts', 'runner/run.ts'],
  ['mcp-knows-no-agent', 'mcp/watch/payload.ts', 'agent/intake/anomaly.ts'],
  ['mcp-knows-no-agent', 'mcp/server/cli.ts', 'infra/local/deploy/state.ts'],
  ['mcp-knows-no-agent', 'mcp/server/cli.ts', 'infra/local/simulation/simulation.ts'],
  ['runner-talks-to-the-agent-over-http', 'runner/run.ts', 'agent/app.ts'],
  ['runner-talks-to-the-agent-over-http', 'runner/run.ts', 'infra/local/simulation/simulation.ts'],
  ['scenarios-are-data', 'scenarios/catalog.ts', 'runner/run.ts'],
  ['workload-imports-only-core-and-lib', 'workload/service.ts', 'agent/app.ts'],
  ['workload-imports-only-core-and-lib', 'workload/service.ts', 'infra/local/simulation/workload/traffic.ts'],
  ['nothing-imports-the-workload', 'infra/local/deploy/commands.ts', 'workload/manifests.ts'],
  ['nothing-imports-the-workload', 'lib/petadoption/catalog.ts', 'workload/service.ts'],
  ['nothing-imports-the-workload', 'bin/devops-agent.ts', 'workload/main.ts'],
  ['lib-imports-only-core-and-lib', 'lib/petadoption/catalog.ts', 'workload/service.ts'],
  ['production-never-imports-test-kits', 'workload/service.ts', 'test/support/free-port.ts'],
  ['production-never-imports-test-kits', 'agent/app.ts', 'test/support/agent/memory-context.ts'],
  ['production-never-imports-test-kits', 'mcp/tools/query.ts', 'bench/harness.ts'],
  ['bin-is-the-edge', 'runner/cli.ts', 'bin/process-output.ts'],
];

for (const [rule, from, to] of forbidden) {
  test(`${rule}: ${from} -> ${to} fails lint`, async () => {
    const violations = await violationsOf({ [from]: [to], [to]: [] });
    assert.ok(
      violations.some((v) => v.rule === rule && v.from === from && v.to === to),
      `expected ${rule} for ${from} -> ${to}; got ${JSON.stringify(violations)}`,
    );
  });
}

test('the imports the design allows pass', async () => {
  const allowed: Tree = {
    'bin/devops-agent.ts': ['agent/cli.ts'],
    'agent/cli.ts': ['core/local-target.ts', 'lib/prometheus/client/port.ts', 'lib/kubernetes/kubeconfig.ts', 'lib/platform/retry.ts'],
    'runner/run.ts': ['infra/local/deploy/commands.ts', 'scenarios/catalog.ts', 'lib/prometheus/client/port.ts'],
    'infra/local/deploy/commands.ts': ['infra/local/profiles.ts', 'lib/platform/retry.ts'],
    'infra/local/simulation/simulation.ts': ['infra/local/profiles.ts', 'lib/platform/retry.ts'],
    'mcp/server/cli.ts': ['lib/prometheus/client/port.ts', 'core/local-target.ts'],
    'lib/prometheus/client/port.ts': ['lib/platform/retry.ts', 'core/types.ts'],
    'workload/main.ts': ['workload/service.ts', 'lib/platform/cli.ts'],
    'workload/service.ts': ['lib/petadoption/catalog.ts', 'core/random.ts'],
    'infra/local/simulation/seed.ts': ['lib/petadoption/catalog.ts'],
    'test/workload.e2e.test.ts': ['workload/manifests.ts'],
    'agent/app.test.ts': ['infra/local/simulation/simulation.ts', 'test/support/agent/memory-context.ts'],
  };
  const violations = (await violationsOf(allowed)).filter((v) => v.rule !== 'no-test-only-production-modules');
  assert.equal(violations, []);
});

test('a production module only tests import fails lint', async () => {
  const violations = await violationsOf({
    'bin/devops-agent.ts': ['agent/app.ts'],
    'agent/app.ts': [],
    'agent/testing/kit.ts': [],
    'agent/app.test.ts': ['agent/testing/kit.ts'],
  });
  assert.equal(
    violations.filter((v) => v.rule === 'no-test-only-production-modules').map((v) => v.from),
    ['agent/testing/kit.ts'],
  );
});

test('every rule of the configuration is exercised here', () => {
  const exercised = new Set([...forbidden.map(([rule]) => rule), 'no-test-only-production-modules']);
  assert.equal(config.forbidden.map((r) => r.name).filter((name) => !exercised.has(name)), []);
});

test.run();
