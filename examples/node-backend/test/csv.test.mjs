// The console's CSV helper (console/assets/csv.mjs): RFC 4180 quoting, and cells that would
// run as spreadsheet formulas kept as text.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { csvCell, toCsv } from '../console/assets/csv.mjs'

test('a cell starting like a formula gets a leading apostrophe', () => {
  for (const [given, written] of [
    ['=HYPERLINK("http://x.invalid","click")', `"'=HYPERLINK(""http://x.invalid"",""click"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ]) {
    assert.equal(csvCell(given), written, JSON.stringify(given))
  }
  // Only at the start; numbers are numbers.
  assert.equal(csvCell('a=b'), 'a=b')
  assert.equal(csvCell('mail me @bakery'), 'mail me @bakery')
  assert.equal(csvCell(-3), '-3')
  assert.equal(csvCell(0), '0')
  assert.equal(csvCell(1.5), '1.5')
})

test('quoting: quotes, commas, line breaks and edge spaces; empty for missing values', () => {
  assert.equal(csvCell('plain'), 'plain')
  assert.equal(csvCell('a,b'), '"a,b"')
  assert.equal(csvCell('say "hi"'), '"say ""hi"""')
  assert.equal(csvCell('two\nlines'), '"two\nlines"')
  assert.equal(csvCell('cr\rhere'), '"cr\rhere"')
  assert.equal(csvCell(' padded '), '" padded "')
  assert.equal(csvCell(null), '')
  assert.equal(csvCell(undefined), '')
  assert.equal(csvCell(''), '')
})

test('toCsv: rows joined with CRLF, a final CRLF, every cell guarded', () => {
  const csv = toCsv([
    ['media_id', 'caption', 'likes'],
    ['1', '=cmd|" /C calc"!A0', 12],
    ['2', 'Fresh, warm "bread"', -1],
  ])
  assert.equal(csv, 'media_id,caption,likes\r\n1,"\'=cmd|"" /C calc""!A0",12\r\n2,"Fresh, warm ""bread""",-1\r\n')
})
