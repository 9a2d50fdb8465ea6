import { evaluate, feelSyntaxProblem } from '../../engine/feel';
import { escapeLineBreaksInStrings } from '../../engine/feel/literals';

describe('FEEL string literals over several lines (feel-scala accepts them, feelin alone does not)', () => {
  it('evaluates a literal with a raw line break to a text containing it', () => {
    expect(evaluate('="Rad ett\nrad två" + tecken', { tecken: '!' })).toBe('Rad ett\nrad två!');
    expect(evaluate('="a\r\nb"', {})).toBe('a\r\nb');
    expect(feelSyntaxProblem('="Rad ett\nrad två"')).toBeUndefined();
  });

  it('leaves line breaks outside literals, escaped quotes and comments alone', () => {
    expect(escapeLineBreaksInStrings('x +\n1')).toBe('x +\n1');
    expect(escapeLineBreaksInStrings('"a\\"\nb"')).toBe('"a\\"\\nb"');
    expect(escapeLineBreaksInStrings('1 // "kommentar\n+ 2')).toBe('1 // "kommentar\n+ 2');
    expect(evaluate('=1 // "kommentar\n+ 2', {})).toBe(3);
    expect(evaluate('=/* "a\n */ "b\nc"', {})).toBe('b\nc');
  });

  it('still refuses an unterminated literal', () => {
    expect(feelSyntaxProblem('="Rad ett\nrad två')).toMatch(/syntax error|ends unexpectedly/);
  });
});
