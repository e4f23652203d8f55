/**
 * kube-state-metrics v2.13 from the object store: families, HELP texts and labels as its docs list them
 * (kubernetes/kube-state-metrics docs/metrics/workload/*.md, cluster/*.md, policy/*.md), with the
 * default allowlists (no `label_*` beyond what `kube_*_labels` carries by default: nothing). Conditions
 * and phases are one series per possible value with 1 on the current one, as ksm emits them.
 */
import { parseQuantity } from '../../../../core/quantity.js';
import type { Condition, DaemonSet, Deployment, KubeObject, Namespace, Node, Pod, PodDisruptionBudget, ReplicaSet } from '../cluster/objects.js';
import { DAEMONSET, DEPLOYMENT, NAMESPACE, NODE, PDB, POD, REPLICASET, SERVICE } from '../cluster/resources.js';
import { controllerOf } from '../cluster/naming.js';
import { qosClass } from '../cluster/controllers/podutil.js';
import { disruptionStatus } from '../kube-api/disruption.js';
import { FamilyBuilder, type FamilyFilter, type MetricFamily } from './families.js';
import type { ExpositionSource } from './source.js';

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
const POD_REASONS = ['Evicted', 'NodeAffinity', 'NodeLost', 'Shutdown', 'UnexpectedAdmissionError'];
const TERMINATED_REASONS = ['OOMKilled', 'Error', 'Completed', 'ContainerCannotRun', 'DeadlineExceeded', 'Evicted'];
const CONDITION_STATUSES = ['true', 'false', 'unknown'] as const;

const seconds = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);
const created = (o: KubeObject) => seconds(o.metadata.creationTimestamp) ?? 0;

interface ServiceObject extends KubeObject {
  spec: { type?: string; clusterIP?: string; externalName?: string };
}

function conditions(add: (labels: Record<string, string>, value: number) => void, base: Record<string, string>, list: Condition[] | undefined): void {
  for (const c of list ?? []) {
    for (const status of CONDITION_STATUSES) add({ ...base, condition: c.type, status }, c.status.toLowerCase() === status ? 1 : 0);
  }
}

export function collectKubeState(source: ExpositionSource, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  collectPods(source, b);
  collectWorkloads(source, b);
  collectCluster(source, b);
  return b.build();
}

function collectPods(source: ExpositionSource, b: FamilyBuilder): void {
  const info = b.family('kube_pod_info', 'gauge', 'Information about pod.');
  const owner = b.family('kube_pod_owner', 'gauge', "Information about the Pod's owner.");
  const labelsFamily = b.family('kube_pod_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  const createdFamily = b.family('kube_pod_created', 'gauge', 'Unix creation timestamp');
  const startTime = b.family('kube_pod_start_time', 'gauge', 'Start time in unix timestamp for a pod.');
  const deletion = b.family('kube_pod_deletion_timestamp', 'gauge', 'Unix deletion timestamp');
  const phase = b.family('kube_pod_status_phase', 'gauge', 'The pods current phase.');
  const reason = b.family('kube_pod_status_reason', 'gauge', 'The pod status reasons');
  const ready = b.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.');
  const readyTime = b.family('kube_pod_status_ready_time', 'gauge', 'Readiness achieved time in unix timestamp for a pod.');
  const containersReadyTime = b.family('kube_pod_status_container_ready_time', 'gauge', 'Readiness achieved time in unix timestamp for a pod containers.');
  const scheduled = b.family('kube_pod_status_scheduled', 'gauge', 'Describes the status of the scheduling process for the pod.');
  const scheduledTime = b.family('kube_pod_status_scheduled_time', 'gauge', 'Unix timestamp when pod moved into scheduled status');
  const qos = b.family('kube_pod_status_qos_class', 'gauge', 'The current qos class of a pod.');
  const restartPolicy = b.family('kube_pod_restart_policy', 'gauge', 'Describes the restart policy in use by this pod.');
  const serviceAccount = b.family('kube_pod_service_account', 'gauge', 'The service account for a pod.');
  const containerInfo = b.family('kube_pod_container_info', 'gauge', 'Information about a container in a pod.');
  const restarts = b.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  const waiting = b.family('kube_pod_container_status_waiting', 'gauge', 'Describes whether the container is currently in waiting state.');
  const waitingReason = b.family('kube_pod_container_status_waiting_reason', 'gauge', 'Describes the reason the container is currently in waiting state.');
  const running = b.family('kube_pod_container_status_running', 'gauge', 'Describes whether the container is currently in running state.');
  const stateStarted = b.family('kube_pod_container_state_started', 'gauge', 'Start time in unix timestamp for a pod container.');
  const terminated = b.family('kube_pod_container_status_terminated', 'gauge', 'Describes whether the container is currently in terminated state.');
  const terminatedReason = b.family('kube_pod_container_status_terminated_reason', 'gauge', 'Describes the reason the container is currently in terminated state.');
  const lastTerminated = b.family('kube_pod_container_status_last_terminated_reason', 'gauge', 'Describes the last reason the container was in terminated state.');
  const lastExitCode = b.family('kube_pod_container_status_last_terminated_exitcode', 'gauge', 'Describes the exit code for the last container in terminated state.');
  const lastTimestamp = b.family('kube_pod_container_status_last_terminated_timestamp', 'gauge', 'Last terminated time for a pod container in unix timestamp.');
  const containerReady = b.family('kube_pod_container_status_ready', 'gauge', 'Describes whether the containers readiness check succeeded.');
  const limits = b.family('kube_pod_container_resource_limits', 'gauge', 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.');
  const requests = b.family('kube_pod_container_resource_requests', 'gauge', 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.');
  for (const pod of source.store.list<Pod>(POD)) {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    const uid = pod.metadata.uid!;
    const node = pod.spec.nodeName ?? '';
    const ctrl = controllerOf(pod);
    const podLabels = { namespace: ns, pod: name, uid };
    info({ ...podLabels, host_ip: pod.status.hostIP ?? '', pod_ip: pod.status.podIP ?? '', node, created_by_kind: ctrl?.kind ?? '<none>', created_by_name: ctrl?.name ?? '<none>', priority_class: pod.spec.priorityClassName ?? '', host_network: 'false' }, 1);
    owner({ ...podLabels, owner_kind: ctrl?.kind ?? '<none>', owner_name: ctrl?.name ?? '<none>', owner_is_controller: ctrl ? 'true' : '<none>' }, 1);
    labelsFamily(podLabels, 1);
    createdFamily(podLabels, created(pod));
    const start = seconds(pod.status.startTime);
    if (start !== undefined) startTime(podLabels, start);
    const deleting = seconds(pod.metadata.deletionTimestamp);
    if (deleting !== undefined) deletion(podLabels, deleting);
    for (const p of PHASES) phase({ ...podLabels, phase: p }, pod.status.phase === p ? 1 : 0);
    for (const r of POD_REASONS) reason({ ...podLabels, reason: r }, pod.status.reason === r ? 1 : 0);
    const condition = (type: string) => pod.status.conditions?.find((c) => c.type === type);
    const readyCondition = condition('Ready');
    const isReady = readyCondition?.status === 'True';
    for (const [c, v] of [['true', isReady], ['false', !isReady], ['unknown', false]] as const) ready({ ...podLabels, condition: c }, v ? 1 : 0);
    if (isReady && readyCondition?.lastTransitionTime) readyTime(podLabels, seconds(readyCondition.lastTransitionTime)!);
    const containersReady = condition('ContainersReady');
    if (containersReady?.status === 'True' && containersReady.lastTransitionTime) containersReadyTime(podLabels, seconds(containersReady.lastTransitionTime)!);
    const scheduledCondition = condition('PodScheduled');
    if (scheduledCondition) {
      for (const c of CONDITION_STATUSES) scheduled({ ...podLabels, condition: c }, scheduledCondition.status.toLowerCase() === c ? 1 : 0);
      if (scheduledCondition.status === 'True' && scheduledCondition.lastTransitionTime) scheduledTime(podLabels, seconds(scheduledCondition.lastTransitionTime)!);
    }
    const podQos = qosClass(pod);
    for (const q of ['BestEffort', 'Burstable', 'Guaranteed']) qos({ ...podLabels, qos_class: q }, q === podQos ? 1 : 0);
    restartPolicy({ ...podLabels, type: pod.spec.restartPolicy ?? 'Always' }, 1);
    serviceAccount({ ...podLabels, service_account: pod.spec.serviceAccountName ?? 'default' }, 1);
    for (const spec of pod.spec.containers) {
      const status = pod.status.containerStatuses?.find((s) => s.name === spec.name);
      const labels = { ...podLabels, container: spec.name };
      containerInfo({ ...labels, image_spec: spec.image, image: status?.image ?? spec.image, image_id: status?.imageID ?? '', container_id: status?.containerID ?? '' }, 1);
      restarts(labels, status?.restartCount ?? 0);
      const waitingState = status?.state.waiting;
      waiting(labels, waitingState ? 1 : 0);
      if (waitingState?.reason) waitingReason({ ...labels, reason: waitingState.reason }, 1);
      running(labels, status?.state.running ? 1 : 0);
      const started = seconds(status?.state.running?.startedAt);
      if (started !== undefined) stateStarted(labels, started);
      const terminatedState = status?.state.terminated;
      terminated(labels, terminatedState ? 1 : 0);
      if (terminatedState?.reason) terminatedReason({ ...labels, reason: TERMINATED_REASONS.includes(terminatedState.reason) ? terminatedState.reason : 'Error' }, 1);
      const last = status?.lastState.terminated;
      if (last?.reason) lastTerminated({ ...labels, reason: TERMINATED_REASONS.includes(last.reason) ? last.reason : 'Error' }, 1);
      if (last) {
        lastExitCode(labels, last.exitCode);
        const finished = seconds(last.finishedAt);
        if (finished !== undefined) lastTimestamp(labels, finished);
      }
      containerReady(labels, status?.ready ? 1 : 0);
      for (const [kind, family] of [['limits', limits], ['requests', requests]] as const) {
        const res = spec.resources?.[kind] ?? {};
        if (res.cpu) family({ ...labels, node, resource: 'cpu', unit: 'core' }, parseQuantity(res.cpu));
        if (res.memory) family({ ...labels, node, resource: 'memory', unit: 'byte' }, parseQuantity(res.memory));
      }
    }
  }
}

function collectWorkloads(source: ExpositionSource, b: FamilyBuilder): void {
  const { store } = source;
  const dCreated = b.family('kube_deployment_created', 'gauge', 'Unix creation timestamp');
  const dLabels = b.family('kube_deployment_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  const specReplicas = b.family('kube_deployment_spec_replicas', 'gauge', 'Number of desired pods for a deployment.');
  const paused = b.family('kube_deployment_spec_paused', 'gauge', 'Whether the deployment is paused and will not be processed by the deployment controller.');
  const maxUnavailable = b.family('kube_deployment_spec_strategy_rollingupdate_max_unavailable', 'gauge', 'Maximum number of unavailable replicas during a rolling update of a deployment.');
  const maxSurge = b.family('kube_deployment_spec_strategy_rollingupdate_max_surge', 'gauge', 'Maximum number of replicas that can be scheduled above the desired number of replicas during a rolling update of a deployment.');
  const replicas = b.family('kube_deployment_status_replicas', 'gauge', 'The number of replicas per deployment.');
  const readyReplicas = b.family('kube_deployment_status_replicas_ready', 'gauge', 'The number of ready replicas per deployment.');
  const available = b.family('kube_deployment_status_replicas_available', 'gauge', 'The number of available replicas per deployment.');
  const unavailable = b.family('kube_deployment_status_replicas_unavailable', 'gauge', 'The number of unavailable replicas per deployment.');
  const updated = b.family('kube_deployment_status_replicas_updated', 'gauge', 'The number of updated replicas per deployment.');
  const observed = b.family('kube_deployment_status_observed_generation', 'gauge', 'The generation observed by the deployment controller.');
  const dCondition = b.family('kube_deployment_status_condition', 'gauge', 'The current status conditions of a deployment.');
  const generation = b.family('kube_deployment_metadata_generation', 'gauge', 'Sequence number representing a specific generation of the desired state.');
  for (const d of store.list<Deployment>(DEPLOYMENT)) {
    const labels = { namespace: d.metadata.namespace!, deployment: d.metadata.name };
    const desired = d.spec.replicas ?? 1;
    dCreated(labels, created(d));
    dLabels(labels, 1);
    specReplicas(labels, desired);
    paused(labels, d.spec.paused ? 1 : 0);
    const rolling = d.spec.strategy?.rollingUpdate;
    if ((d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      maxUnavailable(labels, intOrPercent(rolling?.maxUnavailable ?? '25%', desired, false));
      maxSurge(labels, intOrPercent(rolling?.maxSurge ?? '25%', desired, true));
    }
    replicas(labels, d.status.replicas ?? 0);
    readyReplicas(labels, d.status.readyReplicas ?? 0);
    available(labels, d.status.availableReplicas ?? 0);
    unavailable(labels, d.status.unavailableReplicas ?? 0);
    updated(labels, d.status.updatedReplicas ?? 0);
    observed(labels, d.status.observedGeneration ?? 0);
    conditions((l, v) => dCondition(l, v), labels, d.status.conditions);
    generation(labels, d.metadata.generation ?? 1);
  }

  const rsOwner = b.family('kube_replicaset_owner', 'gauge', 'Information about the ReplicaSet\'s owner.');
  const rsCreated = b.family('kube_replicaset_created', 'gauge', 'Unix creation timestamp');
  const rsLabels = b.family('kube_replicaset_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  const rsSpec = b.family('kube_replicaset_spec_replicas', 'gauge', 'Number of desired pods for a ReplicaSet.');
  const rsReplicas = b.family('kube_replicaset_status_replicas', 'gauge', 'The number of replicas per ReplicaSet.');
  const rsReady = b.family('kube_replicaset_status_ready_replicas', 'gauge', 'The number of ready replicas per ReplicaSet.');
  const rsLabeled = b.family('kube_replicaset_status_fully_labeled_replicas', 'gauge', 'The number of fully labeled replicas per ReplicaSet.');
  const rsObserved = b.family('kube_replicaset_status_observed_generation', 'gauge', 'The generation observed by the ReplicaSet controller.');
  const rsGeneration = b.family('kube_replicaset_metadata_generation', 'gauge', 'Sequence number representing a specific generation of the desired state.');
  for (const rs of store.list<ReplicaSet>(REPLICASET)) {
    const labels = { namespace: rs.metadata.namespace!, replicaset: rs.metadata.name };
    const ctrl = controllerOf(rs);
    rsOwner({ ...labels, owner_kind: ctrl?.kind ?? '<none>', owner_name: ctrl?.name ?? '<none>', owner_is_controller: ctrl ? 'true' : '<none>' }, 1);
    rsCreated(labels, created(rs));
    rsLabels(labels, 1);
    rsSpec(labels, rs.spec.replicas ?? 1);
    rsReplicas(labels, rs.status.replicas ?? 0);
    rsReady(labels, rs.status.readyReplicas ?? 0);
    rsLabeled(labels, rs.status.fullyLabeledReplicas ?? rs.status.replicas ?? 0);
    rsObserved(labels, rs.status.observedGeneration ?? rs.metadata.generation ?? 1);
    rsGeneration(labels, rs.metadata.generation ?? 1);
  }

  const ds = (suffix: string, help: string) => b.family(`kube_daemonset_${suffix}`, 'gauge', help);
  const dsCreated = ds('created', 'Unix creation timestamp');
  const dsLabels = ds('labels', 'Kubernetes labels converted to Prometheus labels.');
  const dsCurrent = ds('status_current_number_scheduled', 'The number of nodes running at least one daemon pod and are supposed to.');
  const dsDesired = ds('status_desired_number_scheduled', 'The number of nodes that should be running the daemon pod.');
  const dsAvailable = ds('status_number_available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available');
  const dsMisscheduled = ds('status_number_misscheduled', 'The number of nodes running a daemon pod but are not supposed to.');
  const dsReady = ds('status_number_ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.');
  const dsUnavailable = ds('status_number_unavailable', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available');
  const dsObserved = ds('status_observed_generation', 'The most recent generation observed by the daemon set controller.');
  const dsUpdated = ds('status_updated_number_scheduled', 'The total number of nodes that are running updated daemon pod');
  const dsGeneration = ds('metadata_generation', 'Sequence number representing a specific generation of the desired state.');
  for (const d of store.list<DaemonSet>(DAEMONSET)) {
    const labels = { namespace: d.metadata.namespace!, daemonset: d.metadata.name };
    const s = d.status;
    dsCreated(labels, created(d));
    dsLabels(labels, 1);
    dsCurrent(labels, s.currentNumberScheduled);
    dsDesired(labels, s.desiredNumberScheduled);
    dsAvailable(labels, s.numberAvailable ?? s.numberReady);
    dsMisscheduled(labels, s.numberMisscheduled);
    dsReady(labels, s.numberReady);
    dsUnavailable(labels, Math.max(0, s.desiredNumberScheduled - (s.numberAvailable ?? s.numberReady)));
    dsObserved(labels, s.observedGeneration ?? d.metadata.generation ?? 1);
    dsUpdated(labels, s.updatedNumberScheduled ?? s.currentNumberScheduled);
    dsGeneration(labels, d.metadata.generation ?? 1);
  }

  const pdb = (suffix: string, help: string) => b.family(`kube_poddisruptionbudget_${suffix}`, 'gauge', help);
  const pdbCreated = pdb('created', 'Unix creation timestamp');
  const pdbLabels = pdb('labels', 'Kubernetes labels converted to Prometheus labels.');
  const pdbCurrent = pdb('status_current_healthy', 'Current number of healthy pods');
  const pdbDesired = pdb('status_desired_healthy', 'Minimum desired number of healthy pods');
  const pdbAllowed = pdb('status_pod_disruptions_allowed', 'Number of pod disruptions that are currently allowed');
  const pdbExpected = pdb('status_expected_pods', 'Total number of pods counted by this disruption budget');
  const pdbObserved = pdb('status_observed_generation', 'Most recent generation observed when updating this PDB status');
  for (const p of store.list<PodDisruptionBudget>(PDB)) {
    const labels = { namespace: p.metadata.namespace!, poddisruptionbudget: p.metadata.name };
    const status = disruptionStatus(store, p);
    pdbCreated(labels, created(p));
    pdbLabels(labels, 1);
    pdbCurrent(labels, status.currentHealthy);
    pdbDesired(labels, status.desiredHealthy);
    pdbAllowed(labels, status.disruptionsAllowed);
    pdbExpected(labels, status.expectedPods);
    pdbObserved(labels, p.metadata.generation ?? 1);
  }
}

function collectCluster(source: ExpositionSource, b: FamilyBuilder): void {
  const { store } = source;
  const nsCreated = b.family('kube_namespace_created', 'gauge', 'Unix creation timestamp');
  const nsLabels = b.family('kube_namespace_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  const nsPhase = b.family('kube_namespace_status_phase', 'gauge', 'kubernetes namespace status phase.');
  for (const ns of store.list<Namespace>(NAMESPACE)) {
    const labels = { namespace: ns.metadata.name };
    nsCreated(labels, created(ns));
    nsLabels(labels, 1);
    for (const phase of ['Active', 'Terminating']) nsPhase({ ...labels, phase }, (ns.status?.phase ?? 'Active') === phase ? 1 : 0);
  }

  const svcInfo = b.family('kube_service_info', 'gauge', 'Information about service.');
  const svcCreated = b.family('kube_service_created', 'gauge', 'Unix creation timestamp');
  const svcType = b.family('kube_service_spec_type', 'gauge', 'Type about service.');
  const svcLabels = b.family('kube_service_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  for (const s of store.list<ServiceObject>(SERVICE)) {
    const labels = { namespace: s.metadata.namespace!, service: s.metadata.name, uid: s.metadata.uid ?? '' };
    svcInfo({ ...labels, cluster_ip: s.spec.clusterIP ?? '', external_name: s.spec.externalName ?? '', load_balancer_ip: '' }, 1);
    svcCreated(labels, created(s));
    svcType({ ...labels, type: s.spec.type ?? 'ClusterIP' }, 1);
    svcLabels(labels, 1);
  }

  const condition = b.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  const unschedulable = b.family('kube_node_spec_unschedulable', 'gauge', 'Whether a node can schedule new pods.');
  const taint = b.family('kube_node_spec_taint', 'gauge', 'The taint of a cluster node.');
  const nodeInfo = b.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  const nodeCreated = b.family('kube_node_created', 'gauge', 'Unix creation timestamp');
  const nodeLabels = b.family('kube_node_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.');
  const capacity = b.family('kube_node_status_capacity', 'gauge', 'The capacity for different resources of a node.');
  const allocatable = b.family('kube_node_status_allocatable', 'gauge', 'The allocatable for different resources of a node.');
  for (const n of store.list<Node>(NODE)) {
    const node = n.metadata.name;
    for (const c of n.status.conditions) {
      for (const s of CONDITION_STATUSES) condition({ node, condition: c.type, status: s }, c.status.toLowerCase() === s ? 1 : 0);
    }
    unschedulable({ node }, n.spec.unschedulable ? 1 : 0);
    for (const t of n.spec.taints ?? []) taint({ node, key: t.key, value: t.value ?? '', effect: t.effect }, 1);
    const ip = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    const ni = n.status.nodeInfo;
    nodeInfo({ node, kernel_version: ni.kernelVersion ?? '', os_image: ni.osImage ?? '', container_runtime_version: ni.containerRuntimeVersion ?? '', kubelet_version: ni.kubeletVersion ?? '', kubeproxy_version: 'deprecated', provider_id: n.spec.providerID ?? '', pod_cidr: '', system_uuid: ni.systemUUID ?? '', internal_ip: ip }, 1);
    nodeCreated({ node }, created(n));
    nodeLabels({ node }, 1);
    for (const [family, values] of [[capacity, n.status.capacity], [allocatable, n.status.allocatable]] as const) {
      family({ node, resource: 'cpu', unit: 'core' }, parseQuantity(values.cpu!));
      if (values['ephemeral-storage']) family({ node, resource: 'ephemeral_storage', unit: 'byte' }, parseQuantity(values['ephemeral-storage']));
      family({ node, resource: 'memory', unit: 'byte' }, parseQuantity(values.memory!));
      family({ node, resource: 'pods', unit: 'integer' }, parseQuantity(values.pods!));
    }
  }
}

/** Deployment rolling-update bounds as the controller resolves them (surge rounds up, unavailable down). */
function intOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', '')) / 100;
  return roundUp ? Math.ceil(percent * total) : Math.floor(percent * total);
}

/** kube-state-metrics' own /metrics (the https-self port): list/watch outcomes and sharding. */
export function collectKubeStateSelf(source: ExpositionSource, startedAt: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = Math.max(0, source.now / 1000 - startedAt);
  const resources = ['certificatesigningrequests', 'configmaps', 'cronjobs', 'daemonsets', 'deployments', 'endpoints', 'horizontalpodautoscalers', 'ingresses', 'jobs', 'leases', 'limitranges', 'mutatingwebhookconfigurations', 'namespaces', 'networkpolicies', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'poddisruptionbudgets', 'pods', 'replicasets', 'replicationcontrollers', 'resourcequotas', 'secrets', 'services', 'statefulsets', 'storageclasses', 'validatingwebhookconfigurations', 'volumeattachments'];
  const list = b.family('kube_state_metrics_list_total', 'counter', 'Number of total resource list in kube-state-metrics');
  const watch = b.family('kube_state_metrics_watch_total', 'counter', 'Number of total resource watches in kube-state-metrics');
  for (const resource of resources) {
    const relists = 1 + Math.floor(uptime / 1800);
    list({ resource: `*v1.${resource.replace(/s$/, '')}`, result: 'success' }, relists);
    list({ resource: `*v1.${resource.replace(/s$/, '')}`, result: 'error' }, 0);
    watch({ resource: `*v1.${resource.replace(/s$/, '')}`, result: 'success' }, relists * 6 + Math.floor(uptime / 300));
    watch({ resource: `*v1.${resource.replace(/s$/, '')}`, result: 'error' }, 0);
  }
  b.family('kube_state_metrics_shard_ordinal', 'gauge', 'Current sharding ordinal/index of this instance')({ shard_ordinal: '0' }, 0);
  b.family('kube_state_metrics_total_shards', 'gauge', 'Number of total shards this instance is aware of')({}, 1);
  b.family('kube_state_metrics_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which kube_state_metrics was built, and the goos and goarch for the build.")({ branch: '', goarch: 'amd64', goos: 'linux', goversion: 'go1.22.5', revision: 'unknown', tags: 'unknown', version: 'v2.13.0' }, 1);
  return b.build();
}
