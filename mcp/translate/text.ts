/**
 * Words of a question, with their positions, and the domain vocabulary: the words that carry intent
 * ("memory", "p95", "restarts") and so are never read as the name of a service, and whose typos
 * ("memroy", "latncy") are corrected before anything else reads the question.
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import { editDistance } from '../validation/index.js';

export interface Token {
  /** Lowercased, without surrounding punctuation or a possessive "'s". */
  text: string;
  from: number;
  to: number;
}

/** Splits on spaces and sentence punctuation, keeping `-`, `_`, `.`, `/` and `:` inside names, IPs, routes and times. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /[^\s,;!?()[\]{}"“”]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    let word = m[0];
    let from = m.index;
    while (word.length > 0 && /^['‘’`*:.]/.test(word)) {
      word = word.slice(1);
      from++;
    }
    word = word.replace(/['’]s$/i, '').replace(/[.:'’`*]+$/, '');
    if (!word) continue;
    tokens.push({ text: word.toLowerCase(), from, to: from + word.length });
  }
  return tokens;
}

export const STOPWORDS = new Set(
  `a an the of for in on at to from by with and or is are was were be been being do does did has have had it its their them they
   this that these those what which who whom whose how when where why me my i we our you your us can could would should will shall
   show give tell get list find display see look please any all each every there here some just now currently current right than
   then vs versus per about over under into out up down as if not no yes so very much many more most less least same also too
   only still been time times`.split(/\s+/).filter(Boolean),
);

/** Articles, prepositions, conjunctions and auxiliaries: never the first or last word of a name. */
export const FUNCTION_WORDS = new Set(
  `a an the of for in on at to from by with and or is are was were be been do does did has have had it its their this that these
   those what which who how when where why me my i we our you your vs versus per about over under into out as if not than then`.split(/\s+/).filter(Boolean),
);

/** Words of the domain; a single one of these is never taken for an entity name. */
export const VOCABULARY = new Set(
  `memory mem ram cpu cpus processor core cores compute usage used using use uses utilisation utilization utilized utilised
   limit limits request requests requested resource resources headroom percent percentage ratio fraction saturation saturated
   throttling throttled throttle cfs network bandwidth traffic bytes received receive receiving transmit transmitted sent sending
   inbound outbound ingress egress rx tx latency latencies response duration slow slowest slower fast fastest faster percentile
   median tail p50 p75 p90 p95 p99 p999 error errors failures failure failing failed fail success successful rate rates rps qps
   throughput calls hits busy busiest restart restarts restarted restarting crash crashing crashed crashloop crashlooping looping
   backoff oom oomkilled oomkill oomkills killed kill kills evicted evictions eviction pending running succeeded unknown phase
   phases ready notready pod pods node nodes service services deployment deployments app apps application applications workload
   workloads container containers namespace namespaces cluster route routes endpoint endpoints path paths page url status code
   codes disk disks filesystem filesystems storage space free available left remaining load average avg mean max maximum peak min
   minimum total sum count number top bottom highest lowest biggest largest smallest heaviest hungriest worst best trend trends
   trending graph plot chart history timeline change changed changing grow growing growth increase increasing increased decrease
   decreasing decreased rising spike spikes pressure cordoned cordon unschedulable schedulable condition conditions healthy health
   unhealthy ok okay fine doing compare compared comparison yesterday today hour hours minute minutes day days week weeks ago last
   past since between morning afternoon evening night replicas replica desired unavailable scaled target targets scrape up down
   metric metrics value values level levels leak leaking consumption consuming consumes consume closest close near approaching
   instance instances host hosts machine machines worker workers server servers microservice microservices second seconds
   month months`.split(/\s+/).filter(Boolean),
);

/** Whether a word can name an entity on its own. */
export function isNameCandidate(word: string): boolean {
  return word.length >= 2 && !STOPWORDS.has(word) && !VOCABULARY.has(word) && !/^\d+(\.\d+)?%?$/.test(word);
}

/**
 * Words whose typos are worth correcting: the distinctive words of the domain. Ordinary English words
 * are left alone ("serving" is not a typo of "sending", "missing" not one of "rising").
 */
const correctable = `memory latency latencies restart restarts restarted restarting throttling throttled percentile percentiles
  utilisation utilization request requests error errors network container containers namespace namespaces deployment deployments
  replicas pressure evicted evictions average maximum minimum pending failed healthy throughput bandwidth received transmitted
  service services cordoned crashloop available minutes seconds hours yesterday compared compare memory usage traffic response
  duration median cluster nodes pods last past since between morning afternoon disk filesystem load limit limits headroom
  saturation saturated oomkilled killed percent percentage trend graph average hour minute week today`.split(/\s+/).filter(Boolean);

/** A transposition of two adjacent letters ("lsat" -> "last"), the only typo trusted in short words: one edit with swaps, two without. */
function isTransposition(a: string, b: string): boolean {
  return editDistance(a, b, 1) === 1 && levenshtein(a, b) === 2;
}

/**
 * The vocabulary word a token is a typo of ("memroy" -> "memory"), if any. Entity names win: a token
 * that is exactly a known name is never corrected.
 */
export function vocabularyTypo(word: string, isKnownName: (w: string) => boolean): string | undefined {
  if (word.length < 4 || VOCABULARY.has(word) || STOPWORDS.has(word) || !/^[a-z]+$/.test(word) || isKnownName(word)) return undefined;
  if (word.length === 4) return correctable.find((v) => isTransposition(word, v));
  const max = word.length >= 7 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const v of correctable) {
    if (Math.abs(v.length - word.length) > max) continue;
    const d = editDistance(word, v, max);
    // Two edits only when one of them is a swap of neighbours, the commonest slip of the fingers.
    if (d < bestDistance && (d === 1 || editDistance(word, v, max) < levenshtein(word, v))) {
      best = v;
      bestDistance = d;
    }
  }
  return best;
}
