// CSV for spreadsheets: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.
// Text from Instagram (captions, usernames) is other people's: a caption starting with `=`
// must stay text when the file is opened in Excel, LibreOffice or Google Sheets.

// A cell starting with one of these is a formula (or, tab and CR, can turn into one).
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One cell's text: empty for null/undefined; a number as is (`-3` is a number, not a formula);
 * other text led by an apostrophe when it starts like a formula; quoted when it holds a quote,
 * a comma, a line break or leading/trailing spaces.
 */
export function csvCell(value) {
  if (value === null || value === undefined) return ''
  let s = String(value)
  if (typeof value !== 'number' && typeof value !== 'bigint' && FORMULA_START.test(s)) s = `'${s}`
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Rows (arrays of cells) as CSV text, CRLF line ends (RFC 4180), with a final line end. */
export function toCsv(rows) {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
