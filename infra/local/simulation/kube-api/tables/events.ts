import type { KubeEvent } from '../../cluster/objects.js';
import type { TablePrinter } from './table.js';
import { column, since } from './table.js';

export const eventPrinter: TablePrinter<KubeEvent> = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'The object that this event is about.'),
    column('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { priority: 1 }),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    column('Name', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
  ],
  row: (event, now) => {
    const first = event.firstTimestamp ? since(event.firstTimestamp, now) : since(event.eventTime, now);
    const last = event.lastTimestamp ? since(event.lastTimestamp, now) : first;
    const ref = event.involvedObject ?? { kind: '', name: '' };
    const target = ref.name ? `${ref.kind.toLowerCase()}/${ref.name}` : ref.kind.toLowerCase();
    const component = event.source?.component || event.reportingComponent || '';
    const host = event.source?.host || event.reportingInstance || '';
    const source = component ? (host ? `${component}, ${host}` : component) : '';
    return { cells: [last, event.type, event.reason, target, ref.fieldPath ?? '', source, (event.message ?? '').trim(), first, event.count || 1, event.metadata.name] };
  },
};
