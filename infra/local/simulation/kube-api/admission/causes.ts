/**
 * Field errors as k8s.io/apimachinery's field.Error renders them, and the name and label rules of
 * apimachinery's validation. The renderer is lib/chaos-mesh's (Chaos Mesh's webhooks answer the same
 * way), so every kind's causes read alike.
 */
import { cause, type FieldCause } from '../../../../../lib/chaos-mesh/admission.js';

export { cause, type FieldCause };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function dns1123Label(field: string, value: string): FieldCause[] {
  if (value.length > 63) return [cause.invalid(field, value, 'must be no more than 63 characters')];
  if (!DNS1123_LABEL.test(value)) {
    return [cause.invalid(field, value, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")];
  }
  return [];
}

export function dns1123Subdomain(field: string, value: string): FieldCause[] {
  if (value.length > 253) return [cause.invalid(field, value, 'must be no more than 253 characters')];
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return [cause.invalid(field, value, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")];
  }
  return [];
}

export function dns1035Label(field: string, value: string): FieldCause[] {
  if (value.length > 63) return [cause.invalid(field, value, 'must be no more than 63 characters')];
  if (!DNS1035_LABEL.test(value)) {
    return [cause.invalid(field, value, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")];
  }
  return [];
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function labels(field: string, map: Record<string, unknown> | undefined): FieldCause[] {
  const out: FieldCause[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    const slash = key.lastIndexOf('/');
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    if (!QUALIFIED_NAME.test(name) || name.length > 63 || (prefix && !DNS1123_SUBDOMAIN.test(prefix))) {
      out.push(cause.invalid(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
    if (typeof value !== 'string') out.push(cause.invalid(`${field}[${key}]`, value, 'label values must be strings'));
    else if (value.length > 63 || !LABEL_VALUE.test(value)) {
      out.push(cause.invalid(field, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
  }
  return out;
}
