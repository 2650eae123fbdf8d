/**
 * A Markdown table with every column padded to its widest cell, as Biome formats Markdown, so a
 * generated file passes `npm run lint` unchanged. Cells are written as given: escape `|` first.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length)
      throw new Error(`markdownTable: row ${i + 1} has ${row.length} cells, the header ${header.length}`);
  }
  const width = (cell: string) => [...cell].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i]))));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** `text` as a Markdown table cell: a `|` inside it would end the cell. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
