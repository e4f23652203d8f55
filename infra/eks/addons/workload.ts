/**
 * The pet-adoption workload: one Deployment and one ClusterIP Service per role, all from the kit's one
 * image, in namespace petadoptions (where the scenarios inject their faults). The roles' names, service
 * ports, replicas, requests and limits are the local simulation's (infra/local/simulation/workload/
 * catalog.ts), so each scenario's fault meets the same envelope on EKS as on the local target.
 *
 * The command each role runs is the workload's (workload/, built by another part of the kit): this
 * add-on assumes `node dist/workload/main.js serve --role <role> --port <port>`; when the workload's
 * `manifests` command prints Deployments, pass them as `manifests` and they are applied instead, with
 * the image filled in.
 */
import type { ClusterAddOn, ClusterInfo } from '@aws-quickstart/eks-blueprints';
import type { Construct } from 'constructs';
import { APP_NAMESPACE, type WorkloadRole } from '../lib/kit-sources.js';
import { apply, clusterIpService, deployment, namespace, type Manifest } from '../lib/kubernetes.js';
import { resourceNames, type KitImage } from '../lib/resources.js';

/** Every role listens here inside its pod (non-root cannot bind below 1024); the Service maps the role's port to it. */
export const workloadContainerPort = 8080;

export function workloadCommand(role: string): string[] {
  return ['node', 'dist/workload/main.js', 'serve', '--role', role, '--port', String(workloadContainerPort)];
}

export interface PetAdoptionWorkloadProps {
  roles: WorkloadRole[];
  /** Manifests printed by the workload's `manifests` command; `{{image}}` in them is replaced by the kit's image. */
  manifests?: Manifest[];
  /** OTLP endpoint of the X-Ray ADOT collector, for the services' traces. */
  otlpEndpoint?: string;
}

export class PetAdoptionWorkloadAddOn implements ClusterAddOn {
  constructor(private readonly props: PetAdoptionWorkloadProps) {
    if (!props.manifests && props.roles.length === 0) throw new Error('PetAdoptionWorkloadAddOn needs the roles to deploy (or the manifests of the workload)');
  }

  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const image = clusterInfo.getResourceContext().get<KitImage>(resourceNames.image);
    if (!image) throw new Error(`PetAdoptionWorkloadAddOn needs the kit's image: add .resourceProvider('${resourceNames.image}', new KitImageProvider(...))`);
    const objects = this.props.manifests ? this.props.manifests.map((manifest) => withImage(manifest, image.imageUri)) : this.props.roles.flatMap((role) => this.roleObjects(role, image.imageUri, clusterInfo));
    return Promise.resolve(apply(clusterInfo, 'pet-adoption-workload', namespace(APP_NAMESPACE, 'privileged'), ...objects));
  }

  private roleObjects(role: WorkloadRole, image: string, clusterInfo: ClusterInfo): Manifest[] {
    const env = [
      ...role.env.filter((variable) => variable.name !== 'AWS_REGION'),
      { name: 'AWS_REGION', value: clusterInfo.cluster.stack.region },
      { name: 'SERVICE_NAME', value: role.name },
      { name: 'OTEL_SERVICE_NAME', value: role.name },
      ...(this.props.otlpEndpoint ? [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: this.props.otlpEndpoint }] : []),
    ];
    return [
      deployment({
        name: role.name,
        namespace: APP_NAMESPACE,
        image,
        command: workloadCommand(role.name),
        port: workloadContainerPort,
        replicas: role.replicas,
        env,
        resources: { requests: role.requests, limits: role.limits },
        health: { liveness: '/healthz', readiness: '/readyz' },
        scrape: true,
      }),
      clusterIpService(role.name, APP_NAMESPACE, role.port, 'http'),
    ];
  }
}

function withImage(manifest: Manifest, imageUri: string): Manifest {
  return JSON.parse(JSON.stringify(manifest).replaceAll('{{image}}', imageUri)) as Manifest;
}
