/**
 * The pet-adoption workload: the Kubernetes objects the workload itself renders (workload/manifests.ts
 * `workloadManifests`, what `node dist/workload/main.js manifests` prints): namespace petadoptions and,
 * per role, a Deployment and a ClusterIP Service, with the catalog's replicas, requests, limits,
 * environment and the container's command, probes and security context. One source: this add-on only
 * fills in the stack's values (the kit's image asset, the X-Ray collector's address, the cluster's
 * name) and the namespace's Pod Security labels.
 */
import type { ClusterAddOn, ClusterInfo } from '@aws-quickstart/eks-blueprints';
import type { Construct } from 'constructs';
import { workloadManifests, type ManifestOptions } from '../../../workload/manifests.js';
import { APP_NAMESPACE } from '../lib/kit-sources.js';
import { apply, namespace, type Manifest } from '../lib/kubernetes.js';
import { resourceNames, type KitImage } from '../lib/resources.js';

/** TRAFFIC_SCALE of trafficgenerator: the default of the workload's `manifests --traffic-scale` (a quarter of the simulation's petsite rate). */
export const defaultTrafficScale = 0.25;

/** Where segments go when the stack has no X-Ray collector (`skipAddOns=xray`): nothing listens, the service drops them. */
export const noXrayCollector = '127.0.0.1:2000';

export interface PetAdoptionWorkloadProps {
  /** AWS_XRAY_DAEMON_ADDRESS of the pods: the X-Ray collector's Service (addons/xray-collector.ts). */
  xrayDaemonAddress?: string;
  trafficScale?: number;
}

export class PetAdoptionWorkloadAddOn implements ClusterAddOn {
  constructor(private readonly props: PetAdoptionWorkloadProps = {}) {
    const scale = props.trafficScale ?? defaultTrafficScale;
    if (!(scale >= 0 && scale <= 1)) throw new Error(`PetAdoptionWorkloadAddOn: trafficScale must be from 0 to 1 (got ${scale})`);
  }

  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const image = clusterInfo.getResourceContext().get<KitImage>(resourceNames.image);
    if (!image) throw new Error(`PetAdoptionWorkloadAddOn needs the kit's image: add .resourceProvider('${resourceNames.image}', new KitImageProvider(...))`);
    const options: ManifestOptions = {
      image: image.imageUri,
      xrayDaemonAddress: this.props.xrayDaemonAddress ?? noXrayCollector,
      clusterName: clusterInfo.cluster.clusterName,
      trafficScale: this.props.trafficScale ?? defaultTrafficScale,
    };
    const objects = (workloadManifests(options) as Manifest[]).map((object) => (object.kind === 'Namespace' ? withPodSecurity(object) : object));
    return Promise.resolve(apply(clusterInfo, 'pet-adoption-workload', ...objects));
  }
}

/**
 * The workload's namespace with the kit's Pod Security labels: `privileged` enforced, because FIS's
 * aws:eks:pod-* actions inject ephemeral containers that need capabilities (lib/kubernetes.ts).
 */
function withPodSecurity(object: Manifest): Manifest {
  const metadata = object.metadata as { name: string; labels?: Record<string, string> };
  if (metadata.name !== APP_NAMESPACE) throw new Error(`the workload's manifests create namespace ${metadata.name}; the scenarios inject their faults in ${APP_NAMESPACE}`);
  const kit = namespace(APP_NAMESPACE, 'privileged').metadata as { labels: Record<string, string> };
  return { ...object, metadata: { ...metadata, labels: { ...kit.labels, ...metadata.labels } } };
}
