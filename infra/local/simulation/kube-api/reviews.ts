import { errors } from '../cluster/errors.js';
import type { ResourceType } from '../cluster/resources.js';
import type { ApiRequest } from './context.js';
import type { Reply } from './http.js';
import { decodeObject, isRecord, reply } from './http.js';

/**
 * Who the bearer token is and what it may do. The local cluster has one identity: the IAM role that
 * created the cluster, mapped by an EKS access entry with the AmazonEKSClusterAdminPolicy, as
 * `kubectl auth whoami` shows it on EKS (user info from aws-iam-authenticator, the extras it adds).
 */
export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

const ACCOUNT = '123456789012';
const SESSION = 'petadoptions-admin';
const ROLE = 'PetAdoptionsAdmin';
const PRINCIPAL = 'AROAXJ5ZQ3TRLU4GS7N2K';

export const clusterCreator: UserInfo = {
  username: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${SESSION}`,
  uid: `aws-iam-authenticator:${ACCOUNT}:${PRINCIPAL}`,
  groups: ['system:authenticated'],
  extra: {
    accessKeyId: ['ASIAXJ5ZQ3TRN4LWQ7EX'],
    arn: [`arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${SESSION}`],
    canonicalArn: [`arn:aws:iam::${ACCOUNT}:role/${ROLE}`],
    principalId: [PRINCIPAL],
    sessionName: [SESSION],
    'sigs.k8s.io/aws-iam-authenticator/principalId': [PRINCIPAL],
  },
};

const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
/** The reason EKS's authorizer gives for what an access policy allows. */
const allowedBy = `EKS Access Policy: allowed by ClusterRoleBinding "arn:aws:iam::${ACCOUNT}:role/${ROLE}+${ADMIN_POLICY}" of ClusterRole "${ADMIN_POLICY}" to User "${PRINCIPAL}"`;

/** Answers a review (POST of a SelfSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview...). */
export async function answerReview(type: ResourceType, req: ApiRequest, namespace: string | undefined): Promise<Reply> {
  if (req.method !== 'POST') throw errors.methodNotAllowed();
  const body = decodeObject(await req.body(), req.headers['content-type']);
  const spec = isRecord(body.spec) ? body.spec : {};
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const answer = (status: Record<string, unknown>, specOut: unknown = spec) =>
    reply(201, { kind: type.kind, apiVersion, metadata: { creationTimestamp: null, ...(namespace ? { namespace } : {}) }, ...(type.kind === 'SelfSubjectReview' ? {} : { spec: specOut }), status });
  switch (type.kind) {
    case 'SelfSubjectReview':
      return answer({ userInfo: clusterCreator });
    case 'TokenReview':
      return answer({ authenticated: true, user: clusterCreator, audiences: ['https://kubernetes.default.svc'] });
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      if (!isRecord(spec.resourceAttributes) && !isRecord(spec.nonResourceAttributes)) {
        throw errors.invalid(type.kind, '', [{ field: 'spec.resourceAttributes', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified', reason: 'FieldValueRequired' }], type.group);
      }
      return answer({ allowed: true, reason: allowedBy });
    case 'SelfSubjectRulesReview':
      if (typeof spec.namespace !== 'string' || !spec.namespace) {
        throw errors.invalid(type.kind, '', [{ field: 'spec.namespace', message: 'Required value', reason: 'FieldValueRequired' }], type.group);
      }
      return answer({
        resourceRules: [
          { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
          { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
          { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        ],
        nonResourceRules: [
          { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
          { verbs: ['*'], nonResourceURLs: ['*'] },
        ],
        incomplete: false,
      });
    default:
      throw errors.methodNotAllowed();
  }
}
