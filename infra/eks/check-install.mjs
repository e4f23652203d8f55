/**
 * `npm run eks:*` at the kit's root runs this first: the CDK toolchain (aws-cdk-lib, EKS Blueprints,
 * about 500 MB) lives in infra/eks's own package and is not part of the root install.
 */
import { existsSync } from 'node:fs';

if (!existsSync(new URL('./node_modules/aws-cdk/package.json', import.meta.url))) {
  process.stderr.write('infra/eks is not installed: run `npm ci --prefix infra/eks` first (the CDK toolchain of the eks target, kept out of the root install)\n');
  process.exit(1);
}
