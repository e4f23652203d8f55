/**
 * Live progress of a run on the terminal: the current phase with its timer and the run's total, on one
 * line redrawn in place on a TTY (so an audience sees it tick), or as plain lines elsewhere (CI logs,
 * pipes), with a "still waiting" line every 30 s so a log never looks hung.
 */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

export interface Progress {
  /** A new phase starts; its timer starts from zero. */
  phase(name: string, text: string): void;
  /** What the current phase waits for now (redrawn on a TTY). */
  status(text: string): void;
  /** A line of its own, kept in the scroll-back. */
  note(text: string): void;
  /** Stops the redraw timer; the last line stays. */
  stop(): void;
}

export function terminalProgress(sink: ProgressSink, now: () => number = Date.now, options: { plainEveryMs?: number; redrawMs?: number } = {}): Progress {
  const runStarted = now();
  let phaseName = '';
  let phaseStarted = runStarted;
  let text = '';
  let lastPlain = runStarted;
  const plainEvery = options.plainEveryMs ?? 30_000;
  const clock = (ms: number) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  const line = () => `[${clock(now() - runStarted)}] ${phaseName.padEnd(11)} ${clock(now() - phaseStarted)}  ${text}`;
  const redraw = () => sink.write(`\r\x1b[2K${line()}`);
  let timer: NodeJS.Timeout | undefined;
  if (sink.isTTY) {
    timer = setInterval(redraw, options.redrawMs ?? 250);
    timer.unref();
  }
  const tick = () => {
    if (!sink.isTTY && now() - lastPlain >= plainEvery && phaseName) {
      lastPlain = now();
      sink.write(`${line()} (still waiting)\n`);
    }
  };
  let tickTimer: NodeJS.Timeout | undefined;
  if (!sink.isTTY) {
    tickTimer = setInterval(tick, 1_000);
    tickTimer.unref();
  }
  return {
    phase(name, next) {
      if (sink.isTTY && phaseName) sink.write(`\r\x1b[2K${line()}\n`);
      phaseName = name;
      phaseStarted = now();
      text = next;
      lastPlain = now();
      if (sink.isTTY) redraw();
      else sink.write(`${line()}\n`);
    },
    status(next) {
      if (next === text) return;
      text = next;
      if (sink.isTTY) redraw();
    },
    note(message) {
      if (sink.isTTY) sink.write(`\r\x1b[2K${message}\n`);
      else sink.write(`${message}\n`);
      if (sink.isTTY && phaseName) redraw();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tickTimer) clearInterval(tickTimer);
      if (sink.isTTY && phaseName) sink.write(`\r\x1b[2K${line()}\n`);
      phaseName = '';
    },
  };
}

export const silentProgress: Progress = { phase: () => undefined, status: () => undefined, note: () => undefined, stop: () => undefined };
