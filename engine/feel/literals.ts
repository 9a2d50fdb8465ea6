/**
 * Zeebe's FEEL (feel-scala) accepts string literals that span lines, as Modeler writes them when a text is
 * typed over several lines; feelin's lexer refuses a raw line break inside quotes. Inside string literals
 * line breaks become the escapes \n / \r, which both read as the same characters, so the value is unchanged.
 * Outside literals (and in comments) the text is left as it is.
 */
export function escapeLineBreaksInStrings(source: string): string {
  if (!/[\r\n]/.test(source)) return source;
  let out = '';
  let inString = false;
  let lineComment = false;
  let blockComment = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    const next = source[i + 1];
    if (lineComment) {
      if (char === '\n') lineComment = false;
    } else if (blockComment) {
      if (char === '*' && next === '/') {
        blockComment = false;
        out += '*/';
        i++;
        continue;
      }
    } else if (inString) {
      if (char === '\\' && next !== undefined) {
        out += char + next;
        i++;
        continue;
      }
      if (char === '"') inString = false;
      else if (char === '\n') {
        out += '\\n';
        continue;
      } else if (char === '\r') {
        out += '\\r';
        continue;
      }
    } else if (char === '"') inString = true;
    else if (char === '/' && next === '/') lineComment = true;
    else if (char === '/' && next === '*') blockComment = true;
    out += char;
  }
  return out;
}
