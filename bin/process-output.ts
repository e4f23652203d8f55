/**
 * Output for the kit's command-line programs: a reader that goes away (`local-cluster up | head`) must
 * not crash a command halfway through its work, so writes after EPIPE are dropped.
 */
export function processOutput(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text: string) => {
    if (!closed) stream.write(text);
  };
}
