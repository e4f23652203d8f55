/**
 * Progress lines of `local-cluster up`: one line per step, its timing appended when it ends
 * ("simulation    simulating 6 h of history... 2.1 s"). Written to stderr when stdout carries JSON.
 */
export interface ProgressStep {
  /** Ends the line; `{s}` in `detail` becomes the step's duration ("2.1 s"). */
  done(detail: string): void;
  fail(): void;
}

export interface Progress {
  begin(component: string, text: string): ProgressStep;
  /** A line of its own (decisions, warnings, install output). */
  note(text: string): void;
}

export function lineProgress(write: (text: string) => void): Progress {
  let openStep: symbol | undefined;
  const closeOpenLine = () => {
    if (openStep) write('\n');
    openStep = undefined;
  };
  return {
    begin(component, text) {
      closeOpenLine();
      const id = Symbol(component);
      const prefix = `  ${component.padEnd(13)} ${text}...`;
      const started = performance.now();
      write(prefix);
      openStep = id;
      const finish = (detail: string) => {
        // Another line came in between: repeat which step this is.
        if (openStep !== id) {
          closeOpenLine();
          write(prefix);
        }
        write(` ${detail}\n`);
        openStep = undefined;
      };
      return {
        done: (detail) => finish(detail.replace('{s}', seconds(started))),
        fail: () => finish(`failed after ${seconds(started)}`),
      };
    },
    note(text) {
      closeOpenLine();
      write(`${text}\n`);
    },
  };
}

export const silentProgress: Progress = { begin: () => ({ done: () => {}, fail: () => {} }), note: () => {} };

export function seconds(startedMs: number): string {
  return `${((performance.now() - startedMs) / 1000).toFixed(1)} s`;
}

/** 1234567 -> "1.2M". */
export function compactNumber(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}
