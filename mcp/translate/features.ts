/**
 * Reads what a question asks from its wording, once names and time phrases are taken out: the
 * measure (memory, p95 latency, restarts...), how it is sliced (per pod, by route), ranked (top 5,
 * the slowest), related (vs limit, in percent), filtered (above 80%, pending), and whether it asks
 * for a series over time. Each cue is a word pattern, so new phrasings with the same words work.
 */
import type { ScopeGroup } from '../templates/index.js';

export type MeasureKey =
  | 'cpu'
  | 'memory'
  | 'rss'
  | 'network'
  | 'network-receive'
  | 'network-transmit'
  | 'throttling'
  | 'requests'
  | 'errors'
  | 'latency'
  | 'restarts'
  | 'oom'
  | 'crashloop'
  | 'evictions'
  | 'pods'
  | 'replicas'
  | 'disk'
  | 'load'
  | 'saturation'
  | 'node-condition'
  | 'health'
  | 'up'
  | 'nodes'
  | 'deployments';

export interface Filter {
  op: '>' | '<' | '>=' | '<=' | '==';
  value: number;
  /** The unit as written ("%", "mb", "ms"...), for scaling to the query's unit. */
  unit?: string;
}

export interface Features {
  measure?: MeasureKey;
  /** Other measures the question mentions (they become alternatives). */
  otherMeasures?: MeasureKey[];
  quantile?: number;
  averageLatency?: boolean;
  relative?: 'limit' | 'request';
  headroom?: boolean;
  /** Asks for the configured limit/request itself, not usage against it. */
  resourceValue?: 'limit' | 'request';
  percent?: boolean;
  rank?: { direction: 'top' | 'bottom'; n: number };
  group?: ScopeGroup;
  /** avg/max/min over the time window, for gauges. */
  overTime?: 'avg' | 'max' | 'min';
  /** Asks for a series over time (trend, graph, growing...). */
  trend?: boolean;
  /** "show me ...": with a time window, a series. */
  show?: boolean;
  /** "sorted by ...": results in order. */
  sort?: 'asc' | 'desc';
  /** Rates per minute rather than per second. */
  perMinute?: boolean;
  /** Durations in milliseconds rather than seconds. */
  milliseconds?: boolean;
  count?: boolean;
  codes?: string;
  method?: string;
  phase?: string;
  condition?: string;
  cordoned?: boolean;
  notReady?: boolean;
  /** Asks about nodes being Ready ("how many nodes are ready", "are all nodes ready"). */
  ready?: boolean;
  filter?: Filter;
  /** "which pods are restarting": keep only non-zero results. */
  nonzero?: boolean;
  /** Free / available rather than used (memory, disk). */
  free?: boolean;
  /** Used bytes rather than utilisation ("how much memory is used on node X"). */
  amount?: boolean;
  receive?: boolean;
  transmit?: boolean;
  /** Starts like a follow-up ("and for petsearch?", "what about p95?", "same for..."). */
  followUp?: boolean;
  /** Two or more entities set against each other ("compare petsite and petsearch"). */
  compareEntities?: boolean;
  /** Mentions nodes/hosts as the subject. */
  nodeLevel?: boolean;
  /** Whole-cluster reading ("overall", "across the cluster", "in total"). */
  clusterWide?: boolean;
  /** Asks which/what/list: a listing of entities. */
  listing?: boolean;
  /** Asks "how much/how many" as an amount, or says "total". */
  total?: boolean;
}

const measureCues: [MeasureKey, RegExp][] = [
  ['node-condition', /\b(?:memory|disk|pid|mem)[ -]?pressure\b|\bpressure\b|\bnot[ -]?ready\b|\bnotready\b|\bcordon(?:ed|ing)?\b|\bunschedulable\b|\bschedulable\b|\bconditions?\b|\bdrain(?:ed|ing)?\b/g],
  ['oom', /\boom(?:s|kill(?:s|ed)?|[ -]kill(?:s|ed|ing)?|[ -]killed)?\b|\bout[ -]of[ -]memory\b/g],
  ['crashloop', /\bcrash[ -]?loop(?:ing|s|backoff)?\b|\bcrash(?:ing|es|ed)?\b|\bbackoff\b/g],
  ['evictions', /\bevict(?:ed|ions?|ing)?\b/g],
  ['restarts', /\brestart(?:s|ed|ing)?\b|\brestart count\b|\brebooted\b/g],
  ['throttling', /\bthrottl(?:e|ed|es|ing)\b|\bcfs\b/g],
  ['latency', /\blaten(?:cy|cies)\b|\bresponse[ -]?times?\b|\brequest duration\b|\bduration\b|\bslow(?:est|er|ness|ly|s)?\b|\bsluggish\b|\bfast(?:est|er)?\b|\bp\d{2,3}(?:\.\d+)?\b|\bpercentiles?\b|\bmedian\b|\bhow long\b|\btail\b|\bquick(?:est|er)?\b|\bresponsive(?:ness)?\b/g],
  ['errors', /\berrors?\b|\berroring\b|\b5xx\b|\b4xx\b|\b[45]\d\ds?\b|\bfail(?:ing|ed|ures?|s)?\b|\bsuccess(?:ful)?\b|\bexceptions?\b|\bbad (?:responses|requests)\b/g],
  ['network', /\bnetwork(?:ing)?\b|\bbandwidth\b|\bbytes\s+(?:in|out|received|sent|transmitted)\b|\b(?:rx|tx)\b|\bingress\b|\begress\b|\binbound\b|\boutbound\b|\breceiv(?:e|ed|es|ing)\b|\btransmit(?:s|ted|ting)?\b|\bsent\b|\bsend(?:s|ing)?\b|\bnet\b|\bi\/o\b/g],
  ['requests', /\brequests?\b|\breqs?\b|\br\/s\b|\brps\b|\bqps\b|\bthroughput\b|\btraffic\b|\bcalls?\b|\bhits?\b|\bbusy\b|\bbusiest\b|\bqueries\b/g],
  ['disk', /\bdisks?\b|\bfilesystems?\b|\bfile system\b|\bstorage\b|\bdisk space\b|\bvolumes?\b|\bfree space\b|\bspace\b|\broot partition\b/g],
  ['load', /\bload(?:ed)?(?: average)?\b|\bloadavg\b|\bload1\b/g],
  ['saturation', /\bsaturat(?:ed|ion)\b|\boverload(?:ed)?\b|\bcontention\b/g],
  ['rss', /\brss\b|\bresident\b/g],
  ['memory', /\bmem(?:ory)?\b|\bram\b|\bworking[ -]set\b|\bheap\b/g],
  ['cpu', /\bcpus?\b|\bprocessor\b|\bcores?\b|\bcompute\b|\bmillicores?\b/g],
  ['replicas', /\breplicas?\b|\bscaled?\b|\bdesired\b|\brollouts?\b|\bunavailable\b/g],
  ['deployments', /\bhow many (?:\w+ )?deployments\b|\bnumber of (?:\w+ )?deployments\b|\bdeployments? counts?\b|\bcount (?:of )?deployments\b/g],
  ['nodes', /\bhow many (?:\w+ )?nodes\b|\bnumber of (?:\w+ )?nodes\b|\bnodes? counts?\b|\bcount (?:of )?nodes\b/g],
  ['pods', /\b(?:most|fewest|least|more|fewer) pods\b|\bpods?\s+(?:per|by|on each|in each|for each|on every)\s+(?:nodes?|namespaces?|hosts?)\b|\bhow many (?:\w+ )?pods?\b|\bnumber of (?:\w+ )?pods\b|\bpods? counts?\b|\bcount (?:of )?pods\b|\bpods?\b(?=.*\b(?:running|pending|failed|failing|succeeded|phases?|ready|scheduled|exist)\b)|\b(?:running|pending|failed|failing|ready|unready) pods?\b/g],
  ['up', /\btargets?\b|\bscrape[sd]?\b|\bexporters?\b|\bjobs?\b/g],
  ['health', /\b(?:un)?health(?:y)?\b|\bok(?:ay)?\b|\bfine\b|\balright\b|\bdoing\b|\bworking\b|\bgood shape\b|\bissues?\b|\bproblems?\b|\bwrong\b|\bstatus\b|\bup\b|\bdown\b|\balive\b|\bstable\b/g],
];

/** When both are mentioned, the first wins over the others ("memory pressure" is a node condition, not memory). */
const precedence: [MeasureKey, MeasureKey[]][] = [
  ['node-condition', ['memory', 'disk', 'pods', 'health', 'cpu']],
  ['oom', ['memory', 'restarts', 'crashloop', 'pods', 'health', 'errors']],
  ['crashloop', ['restarts', 'pods', 'health', 'errors']],
  ['evictions', ['pods', 'memory', 'health']],
  ['restarts', ['pods', 'health']],
  ['throttling', ['cpu', 'saturation', 'health']],
  ['latency', ['requests', 'health', 'errors']],
  ['errors', ['requests', 'health', 'pods']],
  ['network', ['requests', 'health']],
  ['rss', ['memory']],
  ['replicas', ['pods', 'health']],
  ['disk', ['memory', 'health']],
  ['load', ['health', 'cpu']],
  ['saturation', ['health', 'load', 'cpu']],
  ['cpu', ['health', 'pods', 'requests']],
  ['memory', ['health', 'pods', 'requests']],
  ['requests', ['health', 'pods', 'up']],
  ['pods', ['health', 'up']],
  ['nodes', ['health', 'pods', 'node-condition']],
  ['deployments', ['health', 'pods', 'replicas']],
  ['up', ['health']],
];

function findMeasures(t: string): { key: MeasureKey; at: number }[] {
  const found: { key: MeasureKey; at: number }[] = [];
  for (const [key, re] of measureCues) {
    re.lastIndex = 0;
    const m = re.exec(t);
    if (m) found.push({ key, at: m.index });
  }
  return found.sort((a, b) => a.at - b.at);
}

const groupNouns: [ScopeGroup, RegExp][] = [
  ['pod', /^(?:pods?|containers?|replicas?|instances? of)$/],
  ['service', /^(?:services?|deployments?|apps?|applications?|workloads?|microservices?|daemonsets?)$/],
  ['node', /^(?:nodes?|hosts?|instances?|machines?|workers?|servers?)$/],
  ['namespace', /^(?:namespaces?|ns)$/],
  ['route', /^(?:routes?|endpoints?|paths?|urls?|pages?|apis?)$/],
  ['code', /^(?:codes?|status(?:es)?|status codes?|response codes?)$/],
  ['method', /^(?:methods?|verbs?|http methods?|http verbs?)$/],
];

function groupOf(noun: string): ScopeGroup | undefined {
  return groupNouns.find(([, re]) => re.test(noun))?.[0];
}

const numberWords: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const num = (s: string) => numberWords[s] ?? Number(s);

/** Reads features from a lowercased question whose names are replaced by `@kind` placeholders. */
export function readFeatures(t: string): Features {
  const f: Features = {};
  const has = (re: RegExp) => re.test(t);

  // Resource requests/limits next to cpu/memory are Kubernetes settings, not HTTP requests.
  const resourceWords = has(/\b(?:cpu|cpus|memory|mem|ram)\b/);
  const k8sRequest = resourceWords && has(/\b(?:resource\s+)?requests?\b(?!\s+(?:per|rate|latency|duration|count))|\brequested\b/) && !has(/\bper request\b|\bhttp\b/);
  let found = findMeasures(t).filter((m) => !(k8sRequest && m.key === 'requests'));
  // "failed/failing/pending pods" are pod phases, not request errors.
  if (has(/\b(?:fail(?:ed|ing)|pending|running|succeeded|completed)\s+(?:@\w+\s+)?pods?\b|\bpods?\s+(?:that\s+)?(?:are\s+|have\s+)?(?:fail(?:ed|ing)|pending|running)\b|\bpods?\b.*\bphases?\b/)) {
    found = found.filter((m) => m.key !== 'errors');
    if (!found.some((m) => m.key === 'pods')) found.push({ key: 'pods', at: 0 });
    found.sort((a, b) => (a.key === 'pods' ? -1 : b.key === 'pods' ? 1 : a.at - b.at));
  }
  // "pods not ready" is a pod state; "nodes not ready" a node condition.
  if (has(/\bnot[ -]?ready\b|\bunready\b/) && has(/\bpods?\b/) && !has(/\bnodes?\b|@node/) && !has(/pressure|cordon|schedulable/)) {
    found = found.filter((m) => m.key !== 'node-condition');
    if (!found.some((m) => m.key === 'pods')) found.unshift({ key: 'pods', at: 0 });
  }
  const keys = new Set(found.map((m) => m.key));
  const dropped = new Set<MeasureKey>();
  for (const [winner, losers] of precedence) if (keys.has(winner)) for (const l of losers) if (l !== winner) dropped.add(l);
  if (keys.has('node-condition') && !has(/pressure|ready|cordon|schedulable|condition|drain/)) dropped.add('node-condition');
  const remaining = found.filter((m) => !dropped.has(m.key));
  if (remaining.length > 0) {
    f.measure = remaining[0]!.key;
    const others = [...new Set(remaining.slice(1).map((m) => m.key))].filter((k) => k !== f.measure && k !== 'health' && k !== 'pods' && k !== 'up');
    if (others.length) f.otherMeasures = others;
  }
  if (f.measure === 'network') {
    f.receive = has(/\breceiv|\bingress\b|\binbound\b|\brx\b|\bincoming\b|\bbytes in\b|\bdownload/);
    f.transmit = has(/\btransmit|\bsent\b|\bsend(?:s|ing)?\b|\begress\b|\boutbound\b|\btx\b|\boutgoing\b|\bbytes out\b|\bupload/);
  }

  // Latency statistic.
  const p = /\bp(\d{2,3}(?:\.\d+)?)\b/.exec(t);
  const pct = /\b(\d{2}(?:\.\d+)?)(?:th|st|nd|rd)?[ -]percentile\b/.exec(t);
  if (p) f.quantile = Number(p[1]!.length === 3 && !p[1]!.includes('.') ? `0.${p[1]}` : (Number(p[1]) / 100).toFixed(6));
  else if (pct) f.quantile = Number((Number(pct[1]) / 100).toFixed(6));
  else if (has(/\bmedian\b/)) f.quantile = 0.5;
  else if (has(/\btail\b/)) f.quantile = 0.99;
  if (f.quantile !== undefined && !f.measure) f.measure = 'latency';
  if (f.measure === 'latency' && f.quantile === undefined && has(/\b(?:average|avg|mean)\b/)) f.averageLatency = true;

  // Relation to limits and requests.
  const usage = has(/\b(?:usage|using|used|uses?|consum\w*|utili[sz]\w*|close|closest|near(?:est)?|approaching|percent(?:age)?|%|ratio|fraction|relative|against|vs|versus|compared|of (?:its|their|the) (?:limit|request)s?|hitting|reach(?:ing)?|over)\b|%/);
  if (has(/\blimits?\b/)) {
    if (has(/\bheadroom\b|\bleft\b|\bremaining\b|\bspare\b|\bbefore\b|\buntil\b|\bhow far\b/)) f.headroom = true;
    else if (usage) f.relative = 'limit';
    else f.resourceValue = 'limit';
  } else if (k8sRequest) {
    if (usage || has(/\bover\b|\babove\b|\bbelow\b|\bunder\b/)) f.relative = 'request';
    else f.resourceValue = 'request';
  } else if (has(/\bheadroom\b/)) f.headroom = true;
  if (has(/\bpercent(?:age)?\b|%|\bpct\b|\bhow full\b/)) f.percent = true;
  if (has(/\b(?:free|available|left|remaining|unused)\b/) && !has(/\bunavailable\b|\bavailable replicas\b|\breplicas? (?:are )?available\b/)) f.free = true;
  if (has(/\bhow much\b|\bbytes\b|\bamount\b|\bin (?:gb|mb|gib|mib)\b/)) f.amount = true;

  // Grouping: "per pod", "by route", "each service", "which nodes", plural nouns.
  if (has(/\b(?:overall|in total|total|cluster[- ]wide|whole cluster|entire cluster|across the cluster|all together|altogether|combined|aggregate)\b/)) f.clusterWide = true;
  // "cluster cpu", "the cluster's memory utilisation": the cluster as one.
  if (has(/\bcluster(?:'s)?\s+(?:cpu|memory|mem|ram|disk|load|utili[sz]ation|usage|capacity)\b/)) f.clusterWide = true;
  const explicit = /\b(?:per|by|for each|for every|each|every|across(?: all)?(?: the)?|broken down by|split by|grouped by|group by|for all(?: the)?|of all(?: the)?|all(?: the)?|individual)\s+(?:(?:each|every|the|all|of)\s+)*(?:@\w+\s+)?((?:status |response |http )?[a-z]+)/g;
  let gm: RegExpExecArray | null;
  let explicitMatch: string | undefined;
  while ((gm = explicit.exec(t)) !== null) {
    const g = groupOf(gm[1]!);
    // "used by the @namespace namespace" names the namespace; it does not split by namespaces.
    const named = /@(\w+)\s+\S+$/.exec(gm[0])?.[1];
    if (g && named && !/s$/.test(gm[1]!) && (named === g || (named === 'container' && g === 'service'))) continue;
    // "total ... across all pods" sums over them; only per/by/each split a total.
    if (g && !(f.clusterWide && !/^(?:per|by|for each|for every|each|every|broken|split|grouped|group)\b/.test(gm[0]))) {
      f.group = g;
      explicitMatch = gm[0];
      break;
    }
  }
  const which = /\b(which|what|list(?: the| all)?|show(?: me)?(?: the| all)?|name(?: the)?|find(?: the)?|top(?:\s+\d+)?|bottom(?:\s+\d+)?|(?:the\s+)?\d+|five|three|ten)\s+(?:of the\s+)?(?:@\w+\s+)?([a-z]+(?:\s+codes?)?)/g;
  let singularListing: boolean | undefined;
  while ((gm = which.exec(t)) !== null) {
    const g = groupOf(gm[2]!);
    if (!g) continue;
    f.listing = /which|what|list|show|name|find/.test(gm[1]!);
    singularListing = !/s$/.test(gm[2]!) || /^(?:status|ns)$/.test(gm[2]!);
    f.group ??= g;
    break;
  }
  // "the 3 busiest endpoints", "fastest service": a superlative right before what it ranks.
  const ranked = /\b(?:most|highest|biggest|largest|heaviest|hungriest|greediest|busiest|slowest|worst|hottest|noisiest|closest|least|lowest|smallest|fewest|fastest|quietest|idlest)\s+(?:\d+\s+)?(?:@\w+\s+)?(?:(?:cpu|memory|mem|ram|network|disk|latency|error|traffic)\s+)?(?:[a-z]+(?:ed|ing)\s+)?([a-z]+)/.exec(t);
  const rankedGroup = ranked ? groupOf(ranked[1]!) : undefined;
  if (rankedGroup) {
    // "the slowest endpoint across all services" ranks endpoints; only per/by/each grouping wins over it.
    if (f.group && explicitMatch && !/^(?:per|by|for each|for every|each|every)\b/.test(explicitMatch)) f.group = rankedGroup;
    f.group ??= rankedGroup;
    singularListing ??= !/s$/.test(ranked![1]!);
  }
  if (!f.group && !f.clusterWide) {
    const plural = /\b(pods|containers|nodes|hosts|instances|services|deployments|apps|applications|workloads|microservices|namespaces|routes|endpoints|paths|status codes|response codes)\b/.exec(t);
    if (plural && !has(new RegExp(`\\b(?:how many|number of|count of|count)\\s+(?:@?\\w+\\s+)?${plural[1]}\\b`))) f.group = groupOf(plural[1]!);
  }
  if (has(/\bnodes?\b|\bhosts?\b|\bmachines?\b|\bworkers?\b|@node\b/)) f.nodeLevel = true;
  // The cluster's utilisation is its nodes' (capacity used), not the sum of what containers use.
  if (has(/\bclusters?\b/) && has(/\butili[sz](?:ation|ed)\b/) && !has(/\blimits?\b|\brequest(?:s|ed)?\b/)) f.nodeLevel = true;
  if (has(/\btotal\b|\bhow much\b|\bsum\b|\bcombined\b|\baltogether\b/)) f.total = true;
  if (has(/\bhow many\b|\bnumber of\b|\bcount\b|\bhow often\b/)) f.count = true;

  // Ranking: "top 5", "the 3 busiest", "which pod uses the most", "lowest".
  const topN = /\btop\s*[- ]?(\d+|one|two|three|four|five|ten)?\b/.exec(t);
  const bottomN = /\bbottom\s*[- ]?(\d+|one|two|three|four|five|ten)?\b/.exec(t);
  const nBefore =
    /\b(\d+|two|three|four|five|ten)\s+(?:\w+\s+)?(?:most|highest|biggest|largest|heaviest|hungriest|busiest|slowest|worst|least|lowest|smallest|fewest|fastest|quietest|noisiest)\b/.exec(t) ??
    /\b(?:most|highest|biggest|largest|heaviest|hungriest|busiest|slowest|worst|least|lowest|smallest|fewest|fastest|quietest|noisiest)\s+(\d+|two|three|four|five|ten)\b/.exec(t);
  // Ranking superlatives; "max", "peak" and "minimum" are aggregations over time unless a "which" asks for a ranking.
  const rankTop = has(/\b(?:most|highest|biggest|largest|heaviest|hungriest|greediest|busiest|slowest|worst|hottest|noisiest|closest|nearest|fullest)\b/);
  const rankBottom = has(/\b(?:least|lowest|smallest|fewest|fastest|quietest|idlest|emptiest)\b/);
  const superTop = rankTop || has(/\b(?:maximum|max|peak|top)\b/);
  const superBottom = rankBottom || has(/\b(?:minimum|min)\b/);
  const asksWhich = f.listing || has(/\b(?:which|who|what)\b/);
  const whichOne = has(/\bwhich one\b/);
  // "what is using the most memory": a ranking whose subject is left to the measure (pods, services, nodes).
  const whatUses = has(/\b(?:what|who)(?:'s| is| are)?\s+(?:using|consuming|taking|eating|burning|hogging|sending|receiving|serving|getting|causing)\b/);
  // "the 3 pods with the most restarts", "services with the highest error rate": a ranking of those.
  const withSuperlative = /\b(?:(\d+|two|three|four|five|ten)\s+)?([a-z]+)\s+(?:with|having|that have|that has|using|showing)\s+the\s+(?:most|highest|biggest|largest|worst|least|lowest|fewest|smallest)\b/.exec(t);
  const withGroup = withSuperlative ? groupOf(withSuperlative[2]!) : undefined;
  if (withGroup) {
    f.group ??= withGroup;
    singularListing ??= !/s$/.test(withSuperlative![2]!);
  }
  const ranks = (rankTop || rankBottom) && (rankedGroup !== undefined || withGroup !== undefined || nBefore !== null || whatUses || whichOne || (asksWhich && (f.group !== undefined || has(/\b(?:which|who)\b/))));
  if (topN || bottomN || ranks || ((superTop || superBottom) && has(/\b(?:which|who)\b/))) {
    const direction = bottomN || (!topN && superBottom && !superTop) ? 'bottom' : 'top';
    const explicitN = (direction === 'top' ? topN?.[1] : bottomN?.[1]) ?? nBefore?.[1] ?? (withGroup ? withSuperlative![1] : undefined);
    f.rank = { direction, n: explicitN ? num(explicitN) : !whichOne && (singularListing === false || (topN && !asksWhich) || bottomN) ? 5 : 1 };
    if (f.measure === 'latency' && direction === 'bottom' && has(/\bfastest\b/)) f.rank.direction = 'bottom';
  } else if (superTop || superBottom) {
    f.overTime = has(/\b(?:max|maximum|peak|highest)\b/) ? 'max' : has(/\b(?:min|minimum|lowest)\b/) ? 'min' : undefined;
  }
  // "load average" names the metric; only another "average" asks for the mean over the window.
  if (!f.overTime && !f.averageLatency && /\b(?:average|avg|mean|typical)\b/.test(t.replace(/\bload\s+averages?\b/g, 'load'))) f.overTime = 'avg';

  f.show = has(/\b(?:show|display|draw)\b/);
  if (has(/\bsort(?:ed)?\b|\border(?:ed)? by\b|\branked\b|\branking\b/)) f.sort = has(/\bascending\b|\blowest first\b|\bsmallest first\b/) ? 'asc' : 'desc';
  if (has(/\bper minute\b|\bper min\b|\brpm\b|\/min\b/)) f.perMinute = true;
  if (has(/\bin (?:ms|millis(?:econds)?|milliseconds)\b/)) f.milliseconds = true;
  // Series over time.
  if (has(/\btrends?\b|\btrending\b|\bover time\b|\bgraph\b|\bplot\b|\bchart\b|\btimeline\b|\bhistory\b|\bhistorical\b|\bhow (?:has|did|have)\b.*\bchang|\bchang(?:ed|ing)\b|\bevolv|\bgrow(?:ing|n|th|s)?\b|\bincreas(?:ing|ed)\b|\bdecreas(?:ing|ed)\b|\brising\b|\brose\b|\bclimb(?:ing|ed)?\b|\bdropp?(?:ing|ed)\b|\bfalling\b|\bgoing (?:up|down)\b|\bleak(?:ing|s)?\b|\bspik(?:e|ed|ing|es)\b|\bsparkline\b|\bvisuali[sz]e\b|\bdisplay\b|\bplotted\b/)) f.trend = true;

  // Status codes, methods, phases, conditions.
  if (has(/\b5xx\b|\bserver errors?\b|\binternal errors?\b/)) f.codes = '5..';
  else if (has(/\b4xx\b|\bclient errors?\b/)) f.codes = '4..';
  else if (has(/\bsuccess(?:ful)?\b|\bnon[- ]?errors?\b/)) f.codes = '[1-4]..';
  const code = /\b([1-5]\d\d)s?\b/.exec(t);
  if (code && !f.codes && (f.measure === 'errors' || f.measure === 'requests')) f.codes = code[1];
  const method = /\b(get|post|put|delete|patch)\s+(?:requests?|calls?)\b/.exec(t);
  if (method) f.method = method[1]!.toUpperCase();
  const phase = /\b(pending|running|failed|failing|succeeded|completed|unknown)\b/.exec(t);
  if (phase && (f.measure === 'pods' || f.measure === undefined || has(/\bpods?\b/))) {
    f.phase = { pending: 'Pending', running: 'Running', failed: 'Failed', failing: 'Failed', succeeded: 'Succeeded', completed: 'Succeeded', unknown: 'Unknown' }[phase[1]!];
  }
  if (has(/\bnot[ -]?ready\b|\bnotready\b|\bunready\b/)) f.notReady = true;
  else if (has(/\bready\b/) && has(/\bnodes?\b|@node\b/) && !has(/\bpods?\b/)) {
    f.ready = true;
    if (!f.measure || f.measure === 'health') f.measure = 'node-condition';
  }
  if (has(/\bmemory[ -]pressure\b|\bmem[ -]pressure\b/)) f.condition = 'MemoryPressure';
  else if (has(/\bdisk[ -]pressure\b/)) f.condition = 'DiskPressure';
  else if (has(/\bpid[ -]pressure\b|\bprocess(?:es)? pressure\b/)) f.condition = 'PIDPressure';
  else if (has(/\bpressure\b/)) f.condition = 'MemoryPressure';
  else if (f.notReady && f.measure === 'node-condition') f.condition = 'Ready';
  if (has(/\bcordon(?:ed|ing)?\b|\bunschedulable\b|\bschedulable\b|\bdrain(?:ed|ing)?\b/)) f.cordoned = true;

  // Thresholds.
  const unit = '(%|percent|mb|mib|gb|gib|kb|kib|ms|milliseconds?|seconds?|secs?|s|cores?|millicores?|m|restarts?|req(?:uests)?/s)?';
  const above = new RegExp(`\\b(?:above|over|more than|greater than|higher than|exceeding|exceeds|at least|>=?)\\s*(\\d+(?:\\.\\d+)?)\\s*${unit}`).exec(t);
  const below = new RegExp(`\\b(?:below|under|less than|lower than|fewer than|at most|<=?)\\s*(\\d+(?:\\.\\d+)?)\\s*${unit}`).exec(t);
  const threshold = above ?? below;
  if (threshold) {
    f.filter = { op: above ? (/at least|>=/.test(above[0]) ? '>=' : '>') : /at most|<=/.test(below![0]) ? '<=' : '<', value: Number(threshold[1]), ...(threshold[2] ? { unit: threshold[2] } : {}) };
    if (threshold[2] === '%' || threshold[2] === 'percent') f.percent = true;
    // "pods using more than 400MB": the threshold's unit says what is measured.
    const unitMeasure: [RegExp, MeasureKey][] = [[/^(?:[kmg]i?b)$/, 'memory'], [/^(?:ms|milliseconds?|seconds?|secs?|s)$/, 'latency'], [/^(?:cores?|millicores?)$/, 'cpu'], [/^restarts?$/, 'restarts'], [/^req/, 'requests']];
    if (!f.measure && threshold[2]) f.measure = unitMeasure.find(([re]) => re.test(threshold[2]!))?.[1];
  }
  deriveFeatures(f);
  if (has(/\bany\b/) && (f.measure === 'restarts' || f.measure === 'evictions')) f.nonzero = true;

  f.followUp = /^\s*(?:and|what about|how about|same|now|also|then|ok(?:ay)?|but|only|just)\b/.test(t) || has(/\b(?:same (?:for|thing|query|but)|that one|instead|them|it|those|these|this one|which one)\b/);
  f.compareEntities = has(/\bcompare\b|\bcompared\b|\bvs\.?\b|\bversus\b|\bagainst\b|\bdifference between\b/);
  return f;
}

/**
 * What follows from the other features, recomputed when a follow-up's features are merged with the
 * previous question's ("restarts in the last hour" then "which pods?": the pods that restarted).
 */
export function deriveFeatures(f: Features): Features {
  if (f.listing && !f.filter && !f.rank && (f.measure === 'restarts' || f.measure === 'evictions' || f.measure === 'replicas')) f.nonzero = true;
  return f;
}
