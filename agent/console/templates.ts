/**
 * The console's pages as Handlebars templates. `{{ }}` escapes HTML (alert labels, summaries and
 * comments are attacker-controlled text); no template uses `{{{ }}}`. Kept in a module rather than
 * .hbs files so the compiled agent and the image need no extra data folder.
 *
 * Accessibility: landmarks (header, nav, main), a skip link, every control labelled, focus visible,
 * colours at WCAG AA contrast or better, status never told by colour alone; `presenter` enlarges
 * everything for a projector.
 */
export const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · DevOps agent console</title>
<link rel="stylesheet" href="{{base}}/static/console.css">
<link rel="icon" href="{{base}}/static/favicon.svg" type="image/svg+xml">
{{#if live}}<script src="{{base}}/static/console.js" defer></script>{{/if}}
</head>
<body class="{{#if presenter}}presenter{{/if}}" data-live="{{#if live}}{{base}}/events{{/if}}" data-incident="{{incidentId}}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="{{base}}/">DevOps agent console</a>
  {{#if user}}
  <nav aria-label="Account">
    <a href="{{base}}/?presenter={{#if presenter}}0{{else}}1{{/if}}">{{#if presenter}}Normal type{{else}}Presenter mode{{/if}}</a>
    <span class="who">Signed in as <strong data-testid="user">{{user}}</strong></span>
    <form method="post" action="{{base}}/logout" class="inline">
      <input type="hidden" name="_csrf" value="{{csrf}}">
      <button type="submit">Log out</button>
    </form>
  </nav>
  {{/if}}
</header>
<p id="live-status" class="live-status" role="status" aria-live="polite"></p>
<main id="main" tabindex="-1">
{{#if flash}}<p class="flash {{flash.kind}}" role="{{#if flash.error}}alert{{else}}status{{/if}}">{{flash.text}}</p>{{/if}}
{{> body}}
</main>
</body>
</html>`;

export const login = `<h1>Log in</h1>
<p>Log in with an operator token of this agent (a line of its <code>--operator-tokens-file</code>; on the local target, the file <code>local-cluster up</code> prints as the agent token). Your decisions are recorded under the token's name.</p>
<form method="post" action="{{base}}/login" class="login">
  <input type="hidden" name="_csrf" value="{{csrf}}">
  <input type="hidden" name="next" value="{{next}}">
  <label for="token">Operator token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <button type="submit">Log in</button>
</form>`;

export const list = `<h1>Incidents</h1>
<p class="hint">Updates live as the agent works. {{count}} most recent.</p>
{{#if rows.length}}
<table class="incidents">
  <caption class="visually-hidden">Incidents, newest first</caption>
  <thead><tr><th scope="col">Incident</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Age</th><th scope="col">Root cause</th><th scope="col">MTTR</th></tr></thead>
  <tbody>
  {{#each rows}}
  <tr data-incident="{{id}}">
    <th scope="row" class="any"><a href="{{../base}}/incidents/{{id}}">{{title}}</a><br><span class="id">{{id}}</span></th>
    <td><span class="status s-{{status}}">{{status}}</span>{{#if pending}} <span class="badge">{{pending}} awaiting approval</span>{{/if}}</td>
    <td><span class="sev v-{{severity}}">{{severity}}</span></td>
    <td><time datetime="{{createdAt}}">{{age}}</time></td>
    <td>{{#if rootCause}}{{rootCause.kind}} ({{rootCause.confidence}}){{else}}<span class="muted">not yet</span>{{/if}}</td>
    <td>{{mttr}}{{#if mttrSoFar}} <span class="muted">so far</span>{{/if}}</td>
  </tr>
  {{/each}}
  </tbody>
</table>
{{else}}
<p class="empty">No incidents yet. When an alert reaches the agent, it appears here.</p>
{{/if}}`;

export const incident = `<p><a href="{{base}}/">← All incidents</a></p>
<h1>{{incident.title}}</h1>
<dl class="facts">
  <div><dt>Status</dt><dd><span class="status s-{{incident.status}}" data-testid="status">{{incident.status}}</span></dd></div>
  <div><dt>Severity</dt><dd><span class="sev v-{{incident.severity}}">{{incident.severity}}</span></dd></div>
  <div><dt>Opened</dt><dd><time datetime="{{incident.createdAt}}">{{incident.createdAt}}</time> ({{age}} ago)</dd></div>
  <div><dt>MTTR</dt><dd>{{mttr}}{{#if mttrSoFar}} so far{{/if}}</dd></div>
  {{#if target}}<div><dt>Target</dt><dd>{{target}}</dd></div>{{/if}}
  {{#if incident.playbook}}<div><dt>Playbook</dt><dd>{{incident.playbook}}</dd></div>{{/if}}
  {{#if run}}<div class="run"><dt>Started by</dt><dd data-testid="run">run-scenario <code>{{run.scenario}}</code>, run <code>{{run.runId}}</code><br>{{#if run.html}}<a href="{{run.htmlUrl}}" data-testid="run-report">Run report</a>{{#if run.md}} · <a href="{{run.mdUrl}}">Markdown</a>{{/if}}{{else}}<span class="muted">Report: written when the run ends, in</span> <code>{{run.reportDir}}</code> <span class="muted">on the machine that ran it</span>{{/if}}</dd></div>{{/if}}
  <div><dt>Id</dt><dd><code>{{incident.id}}</code></dd></div>
</dl>

<section aria-labelledby="h-actions">
<h2 id="h-actions">Proposed actions</h2>
{{#each actions}}
<article class="action" id="action-{{id}}" aria-labelledby="a-{{id}}">
  <h3 id="a-{{id}}">{{kind}} {{target}} <span class="risk r-{{risk}}">risk {{risk}}</span> <span class="status s-{{status}}" data-testid="action-status">{{status}}</span></h3>
  <p>{{rationale}}</p>
  {{#if diff.length}}
  <h4>Dry run ({{dryRunMethod}})</h4>
  <pre class="diff" aria-label="dry-run diff">{{#each diff}}<span class="{{cls}}">{{text}}</span>
{{/each}}</pre>
  {{/if}}
  {{#if warnings.length}}<ul class="warnings">{{#each warnings}}<li>{{this}}</li>{{/each}}</ul>{{/if}}
  <p class="muted">Rollback: {{rollback}}</p>
  {{#if approval}}<p class="decided">{{approval.decision}} by <strong data-testid="approver">{{approval.by}}</strong> at <time datetime="{{approval.at}}">{{approval.at}}</time>{{#if approval.comment}}: “{{approval.comment}}”{{/if}}</p>{{/if}}
  {{#if result}}<p class="result">{{#if result.ok}}Done{{else}}Failed{{/if}}: {{result.message}}</p>{{/if}}
  {{#if pending}}
  <p class="expiry">Expires <time datetime="{{expiresAt}}" data-expires="{{expiresAt}}">{{expiresIn}}</time> (at {{expiresAt}})</p>
  <form method="post" action="{{../base}}/incidents/{{../incident.id}}/actions/{{id}}/approve" class="decide">
    <input type="hidden" name="_csrf" value="{{../csrf}}">
    <input type="hidden" name="planHash" value="{{planHash}}">
    <label for="comment-{{id}}">Comment (optional, kept in the audit)</label>
    <textarea id="comment-{{id}}" name="comment" rows="2" maxlength="2000"></textarea>
    <div class="buttons">
      <button type="submit" class="approve">Approve {{kind}}</button>
      <button type="submit" class="reject" formaction="{{../base}}/incidents/{{../incident.id}}/actions/{{id}}/reject">Reject</button>
    </div>
  </form>
  {{/if}}
</article>
{{else}}
<p class="muted">No actions proposed{{#if investigating}} yet{{/if}}.</p>
{{/each}}
</section>

<section aria-labelledby="h-cause">
<h2 id="h-cause">Root cause</h2>
{{#if rootCause}}
<p><strong>{{rootCause.kind}}</strong> of {{rootCause.target}}, confidence <strong>{{rootCause.confidence}}</strong></p>
<p>{{rootCause.summary}}</p>
<h3>Evidence</h3>
<ul class="evidence">
{{#each rootCause.evidence}}<li><span class="src">{{source}}</span> {{summary}}{{#if query}}<br><code>{{query}}</code>{{/if}}{{#if link}} <a href="{{link}}" rel="noreferrer" target="_blank">graph<span class="visually-hidden"> of this query in Prometheus (new tab)</span></a>{{/if}}</li>{{/each}}
</ul>
{{else}}
<p class="muted">Not determined yet.</p>
{{/if}}
{{#if gaps.length}}
<h3>Investigation gaps</h3>
<ul class="gaps">{{#each gaps}}<li><span class="src">{{source}}</span> {{reason}}: <em>{{impact}}</em></li>{{/each}}</ul>
{{/if}}
</section>

<section aria-labelledby="h-timeline">
<h2 id="h-timeline">Timeline</h2>
<div class="columns">
<div>
<h3>Facts</h3>
<ol class="timeline">{{#each facts}}<li><time datetime="{{at}}">{{time}}</time> <span class="type">{{type}}</span> <span class="src">{{source}}</span> {{summary}}</li>{{/each}}</ol>
</div>
<div>
<h3>Hypotheses and conclusions</h3>
<ol class="timeline hyp">{{#each hypothesesTimeline}}<li><time datetime="{{at}}">{{time}}</time> <span class="type">{{type}}</span> {{summary}}</li>{{/each}}</ol>
{{#if hypotheses.length}}
<table><caption>Hypotheses considered</caption><thead><tr><th scope="col">Kind</th><th scope="col">Target</th><th scope="col">Confidence</th><th scope="col">For / against</th></tr></thead>
<tbody>{{#each hypotheses}}<tr><td>{{kind}}</td><td class="any">{{target}}</td><td>{{confidence}}</td><td>{{supporting}} / {{contradicting}}</td></tr>{{/each}}</tbody></table>
{{/if}}
</div>
</div>
</section>

<section aria-labelledby="h-findings">
<h2 id="h-findings">Evidence collected</h2>
{{#if findings.length}}
<table class="findings"><thead><tr><th scope="col">Source</th><th scope="col">Finding</th><th scope="col">Query</th></tr></thead>
<tbody>{{#each findings}}<tr><td>{{source}}</td><td class="any">{{summary}}</td><td>{{#if query}}<code>{{query}}</code>{{/if}}{{#if link}} <a href="{{link}}" rel="noreferrer" target="_blank">graph<span class="visually-hidden"> in Prometheus (new tab)</span></a>{{/if}}</td></tr>{{/each}}</tbody></table>
{{else}}<p class="muted">None yet.</p>{{/if}}
</section>

<section aria-labelledby="h-audit">
<h2 id="h-audit">Audit trail</h2>
<table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
<tbody>{{#each audit}}<tr><td><time datetime="{{at}}">{{time}}</time></td><td data-testid="audit-actor">{{actor}}</td><td>{{action}}</td><td class="any">{{detail}}</td></tr>{{else}}<tr><td colspan="4" class="muted">Nothing yet.</td></tr>{{/each}}</tbody></table>
</section>`;

export const problem = `<h1>{{heading}}</h1>
<p>{{message}}</p>
{{#if loginLink}}<p><a href="{{base}}/login">Log in</a></p>{{else}}<p><a href="{{base}}/">Back to the incidents</a></p>{{/if}}`;

/** A plain mark for the tab (browsers ask for /favicon.ico otherwise, which the agent does not serve). */
export const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b4f9c"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>`;

export const css = `:root{--fg:#111;--bg:#fff;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b4f9c;--ok:#135c2a;--bad:#9b1c1c;--warn:#7a4a00}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
body.presenter{font-size:24px}
a{color:var(--accent)}
:focus-visible{outline:3px solid #e0a800;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.top{display:flex;justify-content:space-between;align-items:center;gap:1em;padding:.5em 1em;border-bottom:2px solid var(--line);flex-wrap:wrap}
header.top nav{display:flex;gap:1em;align-items:center;flex-wrap:wrap}
.brand{font-weight:700;text-decoration:none;color:var(--fg)}
main{padding:0 1em 2em;max-width:80em;overflow-wrap:break-word}
form.inline{display:inline}
button{font:inherit;padding:.35em .9em;border:2px solid var(--fg);background:#fff;color:var(--fg);border-radius:4px;cursor:pointer}
button.approve{background:var(--ok);border-color:var(--ok);color:#fff}
button.reject{background:#fff;border-color:var(--bad);color:var(--bad)}
label{display:block;font-weight:600;margin-top:.5em}
input[type=password],textarea{font:inherit;width:100%;max-width:40em;padding:.4em;border:2px solid var(--muted);border-radius:4px}
.buttons{display:flex;gap:.75em;margin-top:.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{text-align:left;vertical-align:top;padding:.35em .5em;border-bottom:1px solid var(--line);overflow-wrap:break-word}
/* free text (alert labels, summaries, queries) may break anywhere; short words in narrow columns stay whole */
.any,code{overflow-wrap:anywhere}
caption{text-align:left;font-weight:600}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{overflow-wrap:anywhere}
pre.diff{background:#f4f4f4;padding:.5em;border:1px solid var(--line);white-space:pre-wrap}
pre.diff .add{color:var(--ok)} pre.diff .del{color:var(--bad)}
.muted,.id,.hint{color:var(--muted)} .id{font-size:.85em}
.status,.sev,.risk,.badge,.src,.type{display:inline-block;padding:0 .4em;border:1px solid currentColor;border-radius:3px;font-size:.85em}
.s-resolved,.s-succeeded,.s-approved{color:var(--ok)} .s-unresolved,.s-failed,.s-rejected,.s-expired{color:var(--bad)} .s-awaiting-approval,.s-proposed{color:var(--warn)}
.v-critical,.r-high{color:var(--bad)} .v-warning,.r-medium{color:var(--warn)}
.badge{color:var(--warn);font-weight:600}
.flash{padding:.6em;border:2px solid var(--ok);border-radius:4px} .flash.error{border-color:var(--bad);color:var(--bad)}
dl.facts{display:flex;flex-wrap:wrap;gap:.5em 2em} dl.facts div{min-width:10em} dt{font-weight:600} dd{margin:0}
.action{border:2px solid var(--line);border-radius:6px;padding:.5em 1em;margin:1em 0}
.columns{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2em} @media (max-width:60em){.columns{grid-template-columns:minmax(0,1fr)}}
body.presenter .columns{grid-template-columns:minmax(0,1fr)}
ol.timeline{padding-left:1.2em} ol.timeline li{margin:.2em 0}
.live-status{margin:0 1em;min-height:1.2em;color:var(--muted);font-size:.85em}
`;

/**
 * Progressive enhancement only (approving works without it): live updates over server-sent events
 * (the page's main part is fetched again and swapped in, unless a form in it is being filled in), and
 * the approval countdowns.
 */
export const js = `(() => {
  const url = document.body.dataset.live;
  const status = document.getElementById('live-status');
  const countdowns = () => {
    for (const el of document.querySelectorAll('[data-expires]')) {
      const left = Math.round((Date.parse(el.dataset.expires) - Date.now()) / 1000);
      el.textContent = left > 0 ? 'in ' + (left >= 60 ? Math.floor(left / 60) + ' min ' : '') + (left % 60) + ' s' : 'now (expired)';
    }
  };
  setInterval(countdowns, 1000);
  countdowns();
  if (!url || !window.EventSource) return;
  const busy = () => {
    const main = document.getElementById('main');
    return [...main.querySelectorAll('textarea,input[type=text]')].some((el) => el.value) || main.contains(document.activeElement) && /^(TEXTAREA|INPUT)$/.test(document.activeElement.tagName);
  };
  let pending = false;
  const refresh = async () => {
    if (busy()) { pending = true; status.textContent = 'The incident changed; it will refresh when you are done typing.'; return; }
    pending = false;
    const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const next = doc.getElementById('main');
    if (next) { document.getElementById('main').replaceChildren(...next.childNodes); countdowns(); }
    status.textContent = 'Updated ' + new Date().toLocaleTimeString();
  };
  document.addEventListener('focusout', () => { if (pending) setTimeout(refresh, 200); });
  const source = new EventSource(url);
  const here = document.body.dataset.incident;
  source.addEventListener('incident', (event) => {
    const changed = JSON.parse(event.data);
    if (!here || changed.id === here) refresh();
  });
  source.addEventListener('open', () => { status.textContent = 'Live'; });
  source.addEventListener('error', () => { status.textContent = 'Live updates paused; reconnecting'; });
})();`;
