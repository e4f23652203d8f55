/**
 * The X-Ray REST-JSON shapes this subset answers with, as `@aws-sdk/client-xray` deserializes them
 * (member names as in the service model; timestamps are epoch seconds as numbers).
 */

export interface WireServiceId {
  Name?: string;
  Names?: string[];
  AccountId?: string;
  Type?: string;
}

export interface WireRootCauseEntity {
  Name: string;
  Coverage?: number;
  Exceptions?: { Name: string; Message: string }[];
  Remote: boolean;
}

export interface WireRootCauseService extends WireServiceId {
  EntityPath: WireRootCauseEntity[];
  Inferred: boolean;
}

export interface WireRootCause {
  Services: WireRootCauseService[];
  ClientImpacting: boolean;
}

export interface WireAnnotationValue {
  AnnotationValue: { NumberValue?: number; BooleanValue?: boolean; StringValue?: string };
  ServiceIds: WireServiceId[];
}

export interface WireTraceSummary {
  Id: string;
  StartTime: number;
  Duration: number;
  ResponseTime: number;
  HasFault: boolean;
  HasError: boolean;
  HasThrottle: boolean;
  IsPartial: boolean;
  Http: { HttpURL?: string; HttpStatus?: number; HttpMethod?: string; UserAgent?: string; ClientIp?: string };
  Annotations: Record<string, WireAnnotationValue[]>;
  Users: { UserName: string; ServiceIds: WireServiceId[] }[];
  ServiceIds: WireServiceId[];
  ResourceARNs: { ARN: string }[];
  InstanceIds: { Id: string }[];
  AvailabilityZones: { Name: string }[];
  EntryPoint: WireServiceId;
  FaultRootCauses: WireRootCause[];
  ErrorRootCauses: WireRootCause[];
  ResponseTimeRootCauses: WireRootCause[];
  Revision: number;
  MatchedEventTime: number;
}

export interface WireHistogramEntry {
  Value: number;
  Count: number;
}

export interface WireStatistics {
  OkCount: number;
  ErrorStatistics: { ThrottleCount: number; OtherCount: number; TotalCount: number };
  FaultStatistics: { OtherCount: number; TotalCount: number };
  TotalCount: number;
  TotalResponseTime: number;
}

export interface WireEdge {
  ReferenceId: number;
  StartTime: number;
  EndTime: number;
  SummaryStatistics: WireStatistics;
  ResponseTimeHistogram: WireHistogramEntry[];
  Aliases: { Name: string; Names: string[]; Type: string }[];
}

export interface WireService {
  ReferenceId: number;
  Name: string;
  Names: string[];
  Root?: boolean;
  AccountId?: string;
  Type: string;
  State: string;
  StartTime: number;
  EndTime: number;
  Edges: WireEdge[];
  SummaryStatistics?: WireStatistics;
  DurationHistogram?: WireHistogramEntry[];
  ResponseTimeHistogram?: WireHistogramEntry[];
}

export interface WireTrace {
  Id: string;
  Duration: number;
  LimitExceeded: boolean;
  Segments: { Id: string; Document: string }[];
}
