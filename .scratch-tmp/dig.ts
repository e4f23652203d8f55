import { loadCases } from '../test/support/agent/cases.js';
import { variantsOf, examplesOf, evaluate, markdownTable } from '../test/support/agent/calibrate.js';
import { currentCalibration, rank, confirmingSources } from '../agent/analysis/confidence.js';
import { subsets } from '../test/support/agent/calibrate.js';
import { ABLATIONS } from '../test/support/agent/recorded-evidence.js';
const cases = loadCases();
const variants = await variantsOf(cases, subsets(ABLATIONS));
const examples = examplesOf(variants);
const cal = currentCalibration();
const r = evaluate(examples, cal);
console.log(r.accuracy, r.ece); console.log(markdownTable(r));
const wrong: Record<string, number> = {};
let shown = 0;
for (const e of examples) {
  const { ranked, none } = rank(e.candidates as never, cal, e.gaps);
  const top = ranked[0];
  const saysUnknown = !top || top.confidence < cal.minConfidence;
  const conf = saysUnknown ? none : top.confidence;
  const correct = saysUnknown ? e.answer === -1 : e.answer >= 0 && top.candidate === (e.candidates[e.answer] as never);
  if (conf >= 0.4 && conf < 0.6 && !correct) {
    const key = `${e.case.replace(/\+alert-of-.*/, '+x')} unk=${saysUnknown} ans=${e.answer}`;
    wrong[key] = (wrong[key] ?? 0) + 1;
    if (shown++ < 6) console.log(e.case, e.without, e.dropout, 'unknown?', saysUnknown, 'conf', conf.toFixed(3), 'answer', e.answer, e.candidates.map((c) => `${c.kind}:${c.target.name}:${c.score}:[${confirmingSources(c as never)}]`).join(' | '), ranked.map(x=>x.confidence.toFixed(2)).join(','));
  }
}
console.log(Object.entries(wrong).sort((a, b) => b[1] - a[1]).slice(0, 30));
const full = examples.filter((e) => e.without.length === 0 && e.dropout === 0);
for (const e of full) {
  const { ranked } = rank(e.candidates as never, cal, e.gaps);
  const top = ranked[0];
  const saysUnknown = !top || top.confidence < cal.minConfidence;
  const correct = saysUnknown ? e.answer === -1 : e.answer >= 0 && top.candidate === (e.candidates[e.answer] as never);
  if (!correct) console.log('FULL WRONG', e.case, e.answer, e.candidates.map((c) => `${c.kind}:${c.target.name}:${c.score}:[${confirmingSources(c as never)}]`).join(' | '), ranked.map(x=>`${x.candidate.kind}:${x.confidence.toFixed(2)}`).join(','));
}
console.log('---- memory-leak examples');
let n = 0;
for (const e of examples) {
  if (!e.case.startsWith('memory-leak-petsearch') || e.case.includes('+')) continue;
  const { ranked, none } = rank(e.candidates as never, cal, e.gaps);
  const top = ranked[0];
  const saysUnknown = !top || top.confidence < cal.minConfidence;
  const conf = saysUnknown ? none : top.confidence;
  const correct = saysUnknown ? e.answer === -1 : e.answer >= 0 && top.candidate === (e.candidates[e.answer] as never);
  if (!correct && n++ < 8) console.log(e.without, e.dropout, 'conf', conf.toFixed(3), 'ans', e.answer, ranked.map((x) => `${x.candidate.kind}:${x.candidate.target.name}:${x.candidate.score}:${x.confidence.toFixed(2)}:[${confirmingSources(x.candidate)}] {${x.candidate.supporting.map(t=>`${t.kind}/${t.sources}/${t.weight}`).join(' ')}}`).join(' | '));
}
