/**
 * A trace's summary as GetTraceSummaries returns it: timings, status flags, the entry request,
 * annotations and users by the services that recorded them, every node the trace touched, and the
 * fault, error and response-time root causes.
 */
import { seconds } from './documents.js';
import { errorRootCauses, faultRootCauses, inferredServiceIdOf, responseTimeRootCauses, serviceIdOf } from './root-causes.js';
import { allSpans, duration, serviceSegments, type RecordedTrace } from './spans.js';
import type { WireAnnotationValue, WireServiceId, WireTraceSummary } from './wire.js';

export function traceSummary(trace: RecordedTrace): WireTraceSummary {
  const { root } = trace;
  const spans = allSpans(root);
  const segments = serviceSegments(root);
  const serviceIds = new Map<string, WireServiceId>();
  for (const segment of segments) serviceIds.set(`${segment.server?.origin}|${segment.name}`, serviceIdOf(segment));
  for (const span of spans) {
    const inferred = inferredServiceIdOf(span);
    if (inferred) serviceIds.set(`${inferred.Type}|${inferred.Name}`, inferred);
  }

  const annotations = new Map<string, WireAnnotationValue[]>();
  const users = new Map<string, WireServiceId[]>();
  for (const segment of segments) {
    for (const [key, value] of Object.entries(segment.annotations ?? {})) {
      const values = annotations.get(key) ?? [];
      let entry = values.find((v) => annotationValue(v) === value);
      if (!entry) values.push((entry = { AnnotationValue: typeof value === 'number' ? { NumberValue: value } : typeof value === 'boolean' ? { BooleanValue: value } : { StringValue: value }, ServiceIds: [] }));
      if (!entry.ServiceIds.some((s) => s.Name === segment.name)) entry.ServiceIds.push(serviceIdOf(segment));
      annotations.set(key, values);
    }
    if (segment.user) users.set(segment.user, [...(users.get(segment.user) ?? []), serviceIdOf(segment)]);
  }

  return {
    Id: trace.id,
    StartTime: seconds(trace.start),
    Duration: seconds(trace.end - trace.start),
    ResponseTime: seconds(duration(root)),
    HasFault: spans.some((s) => s.fault),
    HasError: spans.some((s) => s.error),
    HasThrottle: spans.some((s) => s.throttle),
    IsPartial: false,
    Http: {
      HttpURL: root.request?.url,
      HttpStatus: root.status,
      HttpMethod: root.request?.method,
      UserAgent: root.request?.userAgent,
      ClientIp: root.request?.clientIp,
    },
    Annotations: Object.fromEntries(annotations),
    Users: [...users.entries()].map(([UserName, ServiceIds]) => ({ UserName, ServiceIds })),
    ServiceIds: [...serviceIds.values()],
    ResourceARNs: [],
    InstanceIds: [],
    AvailabilityZones: [],
    EntryPoint: serviceIdOf(root),
    FaultRootCauses: faultRootCauses(root),
    ErrorRootCauses: errorRootCauses(root),
    ResponseTimeRootCauses: responseTimeRootCauses(root),
    Revision: 1,
    MatchedEventTime: seconds(root.end),
  };
}

function annotationValue(v: WireAnnotationValue): string | number | boolean | undefined {
  return v.AnnotationValue.StringValue ?? v.AnnotationValue.NumberValue ?? v.AnnotationValue.BooleanValue;
}
