import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv';

describe('parseCsv (RFC 4180)', () => {
  it.each([
    [
      'plain LF',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF, no final line break',
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a UTF-8 BOM',
      '\uFEFFname,x\r\nÅsa,東京\r\n',
      [
        ['name', 'x'],
        ['Åsa', '東京'],
      ],
    ],
    ['quoted comma and doubled quote', '"Smith, ""Jo""",2\n', [['Smith, "Jo"', '2']]],
    ['a line break inside quotes', '"two\r\nlines",x\n', [['two\r\nlines', 'x']]],
    ['empty fields', ',,\n', [['', '', '']]],
    ['blank lines skipped', 'a\n\n\r\nb\n', [['a'], ['b']]],
    ['an empty quoted field', '"",x\n', [['', 'x']]],
  ])('%s', (_label, text, expected) => {
    expect(parseCsv(text).map((r) => r.fields)).toEqual(expected);
  });

  it('numbers each record by the physical line it starts on', () => {
    const records = parseCsv('h\n"a\nb"\n\nc\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it.each([
    ['an unclosed quote', 'a\n"open,1\n2\n', 2, 'not closed'],
    ['text after a closing quote', 'a\n"x"y,1\n', 2, 'closing quote'],
    ['a quote inside an unquoted field', 'a\nx"y\n', 2, 'quote inside'],
  ])('refuses %s with its line', (_label, text, line, message) => {
    let error: unknown;
    try {
      parseCsv(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).line).toBe(line);
    expect((error as CsvError).message).toContain(message);
  });
});
