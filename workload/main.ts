/**
 * Process entry of the pet-adoption workload (the image's `node dist/workload/main.js`): one role per
 * process, chosen by `--role` or ROLE; `manifests` prints its Kubernetes objects instead. Log lines go
 * to stdout; a setting the role rejects exits 1 after its runtime's start-up error (the crash loop);
 * SIGTERM or SIGINT stops it cleanly (exit 0).
 */
import { hostname } from 'node:os';
import { once } from 'node:events';
import { readOptions, runCommandLine } from '../lib/platform/cli.js';
import { packageVersion } from '../lib/platform/package-root.js';
import { serviceByName } from '../lib/petadoption/catalog.js';
import { manifestOptions, serviceOptions, workloadCli } from './cli.js';
import { manifestsJson, manifestsYaml, workloadManifests } from './manifests.js';
import { runtimeLog } from './runtime-logs.js';
import { startWorkload } from './service.js';
import { readSettings, settingProblems } from './settings.js';
import { SegmentEmitter } from './xray-emitter.js';
import { Sampler } from './xray.js';

const write = (line: string) => process.stdout.write(`${line}\n`);

const code = await runCommandLine(workloadCli, process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, async (line) => {
  if (line.command === 'manifests') {
    const options = readOptions(manifestOptions, line.flags, process.env);
    const objects = workloadManifests(options);
    process.stdout.write(options.format === 'json' ? manifestsJson(objects) : manifestsYaml(objects));
    return 0;
  }
  const options = readOptions(serviceOptions, line.flags, process.env);
  const profile = serviceByName.get(options.role)!;
  const problems = settingProblems(profile, process.env);
  if (problems.length) {
    for (const text of runtimeLog(profile).invalidConfiguration(problems)) write(text);
    return 1;
  }
  const emitter = new SegmentEmitter(options.xrayDaemonAddress, (error) =>
    write(JSON.stringify({ time: new Date().toISOString(), level: 'warn', component: 'xray', msg: `trace segments cannot be sent to ${options.xrayDaemonAddress.host}:${options.xrayDaemonAddress.port}: ${error.message}` })),
  );
  const workload = await startWorkload({
    settings: readSettings(profile, process.env),
    port: options.port,
    host: options.host,
    tracing: { emitter, sampler: new Sampler(options.traceSamplingRate), identity: { service: profile.name, clusterName: options.clusterName, pod: options.podName ?? hostname(), sdkVersion: packageVersion } },
    memoryScale: options.memoryScale,
    startupSeconds: options.startupSeconds ?? profile.startupSeconds,
    trafficScale: options.trafficScale,
    write,
  });
  await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  await workload.stop();
  return 0;
});

// stdout is a pipe or a file here (synchronous on Linux): every line is out before the exit.
process.exit(code);
