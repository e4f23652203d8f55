/**
 * The operator tokens secret of the eks target (Secrets Manager): what the stack generates is
 * `{"name":"eks-operator","token":"<generated>"}`; operators may store a list of such objects, or the
 * `NAME TOKEN` lines of an `--operator-tokens-file`. The agent reads it at start (`--operator-tokens-secret`)
 * and `run-scenario --target eks` approves with its first token; both read it through this one function.
 */

/** The secret's text as `NAME TOKEN` lines (what the agent's tokens parser validates). */
export function operatorTokenLines(secretString: string): string {
  const text = secretString.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the operator tokens secret starts like JSON but is not: store {"name":"...","token":"..."}, a list of those, or NAME TOKEN lines');
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  return entries
    .map((entry, index) => {
      const { name, token } = (entry ?? {}) as { name?: unknown; token?: unknown };
      if (typeof name !== 'string' || typeof token !== 'string') throw new Error(`entry ${index + 1} of the operator tokens secret needs string "name" and "token"`);
      return `${name} ${token}`;
    })
    .join('\n');
}
