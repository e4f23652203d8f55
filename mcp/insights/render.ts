/**
 * Readable text of a result and its insights (Markdown: a table and bullet points), the `content` a
 * model or a person reads beside the structured output.
 */
import type { Insights } from './analyse.js';
import { seriesName } from './labels.js';
import type { ResultView } from './view.js';

export function renderTable(columns: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

export function renderView(view: ResultView): string {
  if (view.scalar) return `${view.resultType}: ${view.scalar.display}`;
  if (view.totalSeries === 0) return 'No series.';
  const lines: string[] = [];
  const common = Object.keys(view.commonLabels).length ? ` — common labels ${seriesName(view.commonLabels)}` : '';
  lines.push(`${view.note}${common}`);
  if (view.resultType === 'vector') {
    lines.push(renderTable(['series', 'value'], view.series.map((s) => [s.name, s.display ?? ''])));
  } else {
    lines.push(
      renderTable(
        ['series', 'last', 'min', 'avg', 'max', 'p95', 'trend'],
        view.series.map((s) => {
          const f = s.stats?.formatted;
          return [s.name, f?.last ?? '', f?.min ?? '', f?.avg ?? '', f?.max ?? '', f?.p95 ?? '', s.trend ? s.trend.direction : ''];
        }),
      ),
    );
  }
  return lines.join('\n');
}

export function renderInsights(insights: Insights): string {
  const lines = insights.summary.map((s) => `- ${s}`);
  if (insights.exploreUrl) lines.push(`- Explore in Grafana: ${insights.exploreUrl}`);
  return lines.join('\n');
}
