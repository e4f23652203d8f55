/**
 * Installs Prometheus and Alertmanager where it can (Debian or Ubuntu as root, as `local-cluster up`
 * would) before the integration tests, or exits 1 with the command that does.
 */
import { ensureBinaries } from '../../infra/local/deploy/binaries.js';

try {
  await ensureBinaries({ install: true, say: (line) => console.error(line) });
} catch (error) {
  console.error(`npm test needs Prometheus and Alertmanager: ${(error as Error).message}`);
  process.exit(1);
}
