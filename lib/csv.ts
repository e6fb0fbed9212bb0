/**
 * CSV for spreadsheets (RFC 4180): fields with a comma, quote or line break are quoted, quotes
 * doubled, lines end in CRLF. A cell a spreadsheet would run as a formula (starting with = + - @,
 * or a tab or carriage return, as OWASP lists) gets a leading single quote, so data typed by a
 * chat user can never execute in the reader's Excel or Sheets. Phone numbers such as +1415… get
 * the quote too: the spreadsheet shows the text, not a number.
 */
export function csvCell(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, header first; a byte-order mark lets Excel read UTF-8 names correctly. */
export function toCsv(header: string[], rows: (string | number | Date | null | undefined)[][]): string {
  return "\uFEFF" + [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
