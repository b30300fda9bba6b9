// Plain-text tables for terminal output: columns padded to their widest cell.
/**
 * @example
 * formatTable(['NAME', 'VERSION'], [['@backlex/sqlite', '0.1.0']])
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return `${[headers, ...rows].map(line).join('\n')}\n`
}
