/**
 * Plain-text tables the way kubectl prints them: a header row, columns padded to their widest cell,
 * two spaces between columns, no borders (cli-table3 with its border characters blanked).
 */
import Table from 'cli-table3';

const noBorders = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/** Rows under a header, each line indented by `indent`, trailing spaces trimmed. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], options: { indent?: string } = {}): string[] {
  const table = new Table({ head: [...header], chars: noBorders, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true } });
  for (const row of rows) table.push([...row]);
  return table
    .toString()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `${options.indent ?? ''}${line}`.trimEnd());
}
