/**
 * The report of the run that caused an incident (`incident.run`, recorded by run-scenario with an
 * operator token: api/runs.ts), served to logged-in console users when the agent can read it (the
 * local target: the agent and the runner share the machine; on EKS the folder is on the presenter's
 * laptop and the page shows its path instead).
 *
 * What is served is narrow on purpose: only `report.html` or `report.md`, only from the recorded run's
 * folder, and no part of the path comes from the request (the route names the incident, the store names
 * the folder). The folder is resolved with realpath; the file must be that folder's own regular file,
 * not a symlink (realpath(file) is folder + name, and it is opened with O_NOFOLLOW), at most 16 MiB.
 * The HTML goes out under a CSP sandbox (an opaque origin: it cannot read the console's pages or use its
 * session, and runs no script; the report needs none: inline CSS and SVG), the Markdown as text/plain.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncidentRun } from '../../core/types.js';

export const reportFiles = { html: 'report.html', md: 'report.md' } as const;
export type ReportFormat = keyof typeof reportFiles;

const MAX_BYTES = 16 * 2 ** 20;

/** The report's CSP: a sandbox (opaque origin, no scripts, no forms), inline styles and data: images only. */
export const reportContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The report file's path when it is the run folder's own regular file; undefined otherwise (absent, a symlink, outside). */
export async function locateReport(run: IncidentRun, format: ReportFormat): Promise<string | undefined> {
  try {
    const folder = await realpath(run.reportDir);
    const file = join(folder, reportFiles[format]);
    return (await realpath(file)) === file ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Which of the report's files the agent can serve now (the runner writes them when the run ends). */
export async function reportAvailability(run: IncidentRun): Promise<Record<ReportFormat, boolean>> {
  const [html, md] = await Promise.all([locateReport(run, 'html'), locateReport(run, 'md')]);
  return { html: Boolean(html), md: Boolean(md) };
}

/** Reads the report, or undefined when it is not (or no longer) a regular file of the run's folder. */
export async function readReport(run: IncidentRun, format: ReportFormat): Promise<Buffer | undefined> {
  const path = await locateReport(run, format);
  if (!path) return undefined;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
