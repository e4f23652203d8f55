/**
 * The walls of the house (DESIGN.md "Parts and their walls"), checked by `npm run lint`.
 * Production code is everything but tests (`*.test.ts`), benchmarks and the test and bench kits; the
 * rules bind production code. Tests may compose parts (that is what integration tests are for).
 * test/support/lint.test.ts proves that each rule fails on a forbidden import.
 */
const notTests = '\\.(test|bench)\\.ts$';

/** A part's production files. */
const part = (pathRegex) => ({ path: pathRegex, pathNot: notTests });

/** Forbidden imports from one part to others, with the design's reason as the rule's comment. */
const never = (name, comment, from, to) => ({ name, comment, severity: 'error', from: part(from), to: { path: to } });

module.exports = {
  forbidden: [
    never('core-imports-nothing-of-ours', 'core is the shared vocabulary: it imports nothing of ours', '^core/', '^(lib|agent|mcp|runner|scenarios|infra|workload|bin|test|bench)/'),
    never('lib-imports-only-core-and-lib', 'the shared libraries (platform, prometheus, kubernetes, chaos-mesh, petadoption) serve every part and know none of them', '^lib/', '^(agent|mcp|runner|scenarios|infra|workload|bin|test|bench)/'),
    never('platform-is-the-bottom-of-lib', 'lib/platform is generic plumbing: it knows no Prometheus, Kubernetes or Chaos Mesh', '^lib/platform/', '^lib/(?!platform/)'),
    never('simulation-knows-no-one', 'the simulated cluster knows nothing of the agent, the MCP server, the runner or the local deployment', '^infra/local/simulation/', '^(agent|mcp|runner|scenarios|infra/local/deploy)/'),
    never('deploy-launches-never-imports', 'the local deployment knows how to launch a component (its command line), never its internals', '^infra/local/deploy/', '^(agent|mcp|runner|scenarios|infra/local/simulation)/'),
    never('agent-knows-no-target-internals', 'the agent never imports the simulation, the local deployment, the runner or the MCP server (it reaches the MCP server over MCP)', '^agent/', '^(infra|runner|mcp|scenarios)/'),
    never('mcp-knows-no-agent', 'the MCP server never imports the agent, the simulation, the local deployment or the runner', '^mcp/', '^(agent|infra|runner|scenarios)/'),
    never('runner-talks-to-the-agent-over-http', 'the runner drives the agent through its HTTP API and the cluster through the Kubernetes API; it may bring the local target up (infra/local/deploy)', '^runner/', '^(agent|mcp|infra/local/simulation)/'),
    never('scenarios-are-data', 'scenarios are definitions the runner reads; they import no part', '^scenarios/', '^(agent|mcp|runner|infra)/'),
    never('workload-imports-only-core-and-lib', 'the pet-adoption workload is an application the eks target runs: it knows the catalog (lib/petadoption), never the kit that watches and fixes it', '^workload/', '^(agent|mcp|runner|scenarios|infra|bin|test|bench)/'),
    never('nothing-imports-the-workload', 'the workload is launched as a process (its image, its command line), never imported: the kit meets it only as a Kubernetes workload; the one exception is the CDK app (infra/eks, its own package), which renders the workload\'s own manifests (workload/manifests.ts) so its Kubernetes shape has one source', '^(core|lib|agent|mcp|runner|scenarios|infra/local|bin)/', '^workload/'),
    never('production-never-imports-test-kits', 'test and bench kits stay out of production code', '^(core|lib|agent|mcp|runner|scenarios|infra|workload|bin)/', '^(test|bench)/'),
    {
      name: 'bin-is-the-edge',
      comment: 'nothing imports a bin: files under bin/ only connect a part to the process',
      severity: 'error',
      from: { pathNot: '^bin/' },
      to: { path: '^bin/' },
    },
    {
      name: 'no-test-only-production-modules',
      comment: 'a production module must be reachable from a command (bin/) or a process the kit launches; one only tests import belongs in test/support or bench',
      severity: 'error',
      from: { path: '^(bin/[^/]+|infra/local/simulation/main|workload/main|runner/runbooks)\\.ts$' },
      to: { path: '^(core|lib|agent|mcp|runner|scenarios|infra/local|workload)/', pathNot: `${notTests}|\\.d\\.ts$|/fixtures/|^(infra/local/simulation/main|workload/main|runner/runbooks)\\.ts$`, reachable: false },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|infra/eks|dist|\\.scratch|test/conformance)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
