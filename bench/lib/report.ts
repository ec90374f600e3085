/** The benchmark's one table: a row per measurement, its target and whether it passes. */

export interface Row {
  readonly section: string;
  readonly item: string;
  readonly measured: string;
  readonly target: string;
  /** undefined: informative only (no target). */
  readonly pass?: boolean;
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '' : pass ? 'pass' : 'FAIL';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| # | item | measured | target | result |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(
      `| ${[row.section, row.item, row.measured, row.target, verdict(row.pass)].map(escapeCell).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The same table for a terminal: aligned columns, long cells wrapped. */
export function textTable(rows: readonly Row[], width = 160): string {
  const headers = ['#', 'item', 'measured', 'target', 'result'];
  const cells = rows.map((row) => [row.section, row.item, row.measured, row.target, verdict(row.pass)]);
  const fixed = [0, 1, 3, 4].map((column) =>
    Math.min(
      column === 1 ? 34 : column === 3 ? 30 : 6,
      Math.max(headers[column]?.length ?? 0, ...cells.map((row) => (row[column] ?? '').length)),
    ),
  );
  const [numberWidth, itemWidth, targetWidth, resultWidth] = fixed as [number, number, number, number];
  const measuredWidth = Math.max(30, width - numberWidth - itemWidth - targetWidth - resultWidth - 13);
  const widths = [numberWidth, itemWidth, measuredWidth, targetWidth, resultWidth];
  const wrap = (text: string, size: number): string[] => {
    const out: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line && line.length + 1 + word.length > size) {
          out.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      out.push(line);
    }
    return out;
  };
  const render = (row: readonly string[]): string[] => {
    const wrapped = row.map((cell, column) => wrap(cell, widths[column] as number));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from(
      { length: height },
      (_, line) =>
        `| ${wrapped.map((lines, column) => (lines[line] ?? '').padEnd(widths[column] as number)).join(' | ')} |`,
    );
  };
  const rule = `|${widths.map((size) => '-'.repeat(size + 2)).join('|')}|`;
  return [rule, ...render(headers), rule, ...cells.flatMap((row) => [...render(row)]), rule].join('\n');
}
