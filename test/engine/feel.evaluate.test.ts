import { ExpressionError, evaluate, evaluateCondition, evaluateDateTime, evaluateStringList, evaluateWithWarnings } from '../../engine/feel';

const pinned = { now: new Date('2026-03-01T10:00:00.000Z') };

function errorOf(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluate', () => {
  it('returns static values (no leading =) unchanged as strings', () => {
    expect(evaluate('vk.notify', {})).toBe('vk.notify');
    expect(evaluate('42', {})).toBe('42');
    expect(evaluate('', {})).toBe('');
  });

  it('evaluates FEEL against the variables', () => {
    expect(evaluate('=x + 1', { x: 2 })).toBe(3);
    expect(evaluate('="socialsekreterare-" + kommun', { kommun: 'vaxjo' })).toBe('socialsekreterare-vaxjo');
    expect(evaluate('=placering.hem', { placering: { hem: 'Novus' } })).toBe('Novus');
    expect(evaluate('=count(deltagare) > 1', { deltagare: ['a', 'b'] })).toBe(true);
  });

  it('yields null for missing variables (Zeebe 8.8) and reports them as warnings', () => {
    expect(evaluate('=saknas', {})).toBeNull();
    expect(evaluate('=saknas + 1', {})).toBeNull();
    const { warnings } = evaluateWithWarnings('=saknas', {});
    expect(warnings.map((w) => w.type)).toContain('NO_VARIABLE_FOUND');
  });

  it('keeps numbers, booleans, lists and contexts as plain JSON', () => {
    expect(evaluate('=[1, 2.5, true, "a", null]', {})).toEqual([1, 2.5, true, 'a', null]);
    expect(evaluate('={a: {b: [1, {c: "d"}]}, "e f": false}', {})).toEqual({ a: { b: [1, { c: 'd' }] }, 'e f': false });
    expect(evaluate('=x', { x: { nested: [1, 2] } })).toEqual({ nested: [1, 2] });
  });

  it('never lets a context key "__proto__" change prototypes (feelin drops the key)', () => {
    const value = evaluate('={"__proto__": {"polluted": true}, "ok": 1}', {}) as Record<string, unknown>;
    expect(value).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns FEEL temporal values into ISO 8601 strings', () => {
    expect(evaluate('=date("2026-12-01")', {})).toBe('2026-12-01');
    expect(evaluate('=date and time("2026-12-01T09:00:00+01:00")', {})).toBe('2026-12-01T09:00:00+01:00');
    expect(evaluate('=date and time("2026-12-01T09:00:00Z")', {})).toBe('2026-12-01T09:00:00Z');
    expect(evaluate('=date and time("2026-12-01T09:00:00")', {})).toBe('2026-12-01T09:00:00');
    expect(evaluate('=time("10:30:00")', {})).toBe('10:30:00');
    expect(evaluate('=duration("P14D")', {})).toBe('P14D');
    expect(evaluate('=duration("P1Y2M")', {})).toBe('P1Y2M');
    expect(evaluate('=date("2026-12-01") - duration("P14D")', {})).toBe('2026-11-17');
    expect(evaluate('={d: date("2026-01-01"), l: [duration("PT1H")]}', {})).toEqual({ d: '2026-01-01', l: ['PT1H'] });
  });

  it('resolves named zones to the offset in force on that date', () => {
    expect(evaluate('=date and time("2026-01-15T09:00:00@Europe/Stockholm")', {})).toBe('2026-01-15T09:00:00+01:00');
    expect(evaluate('=date and time("2026-07-15T09:00:00@Europe/Stockholm")', {})).toBe('2026-07-15T09:00:00+02:00');
  });

  it('uses the given clock for now() and today(), but a variable of that name wins', () => {
    expect(evaluate('=now()', {}, pinned)).toBe('2026-03-01T10:00:00Z');
    expect(evaluate('=today()', {}, pinned)).toBe('2026-03-01');
    expect(evaluate('=now() + duration("P14D")', {}, pinned)).toBe('2026-03-15T10:00:00Z');
    expect(evaluate('=now', { now: 'variabel' }, pinned)).toBe('variabel');
  });

  it('refuses syntax errors with a Zeebe-like message', () => {
    const error = errorOf(() => evaluate('=x +', {}));
    expect(error.message).toMatch(/^Failed to evaluate expression 'x \+': syntax error: .+\. Check the FEEL syntax\.$/);
    expect(error.expression).toBe('=x +');
  });

  it('refuses an empty FEEL expression', () => {
    expect(errorOf(() => evaluate('=  ', {})).message).toMatch(/the expression is empty/);
  });

  it('refuses results that cannot be stored as variables', () => {
    expect(errorOf(() => evaluate('=[1..3]', {})).message).toMatch(/range, which cannot be stored/);
    expect(errorOf(() => evaluate('=function(a) a', {})).message).toMatch(/function, which cannot be stored/);
  });
});

describe('evaluateCondition', () => {
  it('returns the boolean result', () => {
    expect(evaluateCondition('=beslut = "bifall"', { beslut: 'bifall' })).toBe(true);
    expect(evaluateCondition('=beslut = "bifall"', { beslut: 'avslag' })).toBe(false);
    expect(evaluateCondition('=not(samtycke)', { samtycke: false })).toBe(true);
  });

  it('refuses a null result caused by a missing variable, naming the warning', () => {
    const error = errorOf(() => evaluateCondition('=samtycke', {}));
    expect(error.message).toMatch(/^Failed to evaluate expression 'samtycke': expected a boolean, but the result was null\. The evaluation reported: \[NO_VARIABLE_FOUND\]/);
  });

  it('refuses non-boolean results', () => {
    expect(errorOf(() => evaluateCondition('=antal', { antal: 3 })).message).toMatch(/expected a boolean, but the result was number 3/);
    expect(errorOf(() => evaluateCondition('="true"', {})).message).toMatch(/string "true"/);
  });

  it('refuses static conditions', () => {
    expect(errorOf(() => evaluateCondition('true', {})).message).toMatch(/must be a FEEL expression starting with '='/);
  });
});

describe('evaluateStringList', () => {
  it('splits static comma-separated lists and trims entries', () => {
    expect(evaluateStringList('remissgruppen, chef-vaxjo ,psykiatri', {})).toEqual(['remissgruppen', 'chef-vaxjo', 'psykiatri']);
    expect(evaluateStringList('remissgruppen', {})).toEqual(['remissgruppen']);
  });

  it('accepts a FEEL string (itself comma-separated) or a list of strings', () => {
    expect(evaluateStringList('="socialsekreterare-" + kommun', { kommun: 'alvesta' })).toEqual(['socialsekreterare-alvesta']);
    expect(evaluateStringList('="a, b"', {})).toEqual(['a', 'b']);
    expect(evaluateStringList('=["chef-" + kommun, "remissgruppen"]', { kommun: 'ljungby' })).toEqual(['chef-ljungby', 'remissgruppen']);
  });

  it('refuses other results, explaining a missing variable', () => {
    expect(errorOf(() => evaluateStringList('=[1, 2]', {})).message).toMatch(/expected a string or a list of strings, but the result was a list/);
    expect(errorOf(() => evaluateStringList('=grupper', {})).message).toMatch(/but the result was null\. .*NO_VARIABLE_FOUND/);
  });
});

describe('evaluateDateTime', () => {
  it('accepts static ISO date-times with offset or Z', () => {
    expect(evaluateDateTime('2026-12-01T09:00:00+01:00', {})).toBe('2026-12-01T09:00:00+01:00');
    expect(evaluateDateTime('2026-12-01T08:00:00Z', {})).toBe('2026-12-01T08:00:00Z');
    expect(evaluateDateTime('2026-12-01T08:00:00.250Z', {})).toBe('2026-12-01T08:00:00.250Z');
  });

  it('accepts FEEL date-times, strings and computations', () => {
    expect(evaluateDateTime('=flyttdatum', { flyttdatum: '2026-12-01T09:00:00+01:00' })).toBe('2026-12-01T09:00:00+01:00');
    expect(evaluateDateTime('=date and time(flytt) - duration("P14D")', { flytt: '2026-12-15T09:00:00@Europe/Stockholm' })).toBe('2026-12-01T09:00:00+01:00');
    expect(evaluateDateTime('=now() + duration("P14D")', {}, pinned)).toBe('2026-03-15T10:00:00Z');
  });

  it('returns undefined for an empty or null result (date not set)', () => {
    expect(evaluateDateTime('=saknas', {})).toBeUndefined();
    expect(evaluateDateTime('', {})).toBeUndefined();
  });

  it('refuses bare dates, local date-times and nonsense', () => {
    expect(errorOf(() => evaluateDateTime('=date("2026-12-01")', {})).message).toMatch(/expected an ISO 8601 date-time with offset .* but the result was "2026-12-01"/);
    expect(errorOf(() => evaluateDateTime('2026-12-01T09:00:00', {})).message).toMatch(/date-time with offset/);
    expect(errorOf(() => evaluateDateTime('2026-13-45T09:00:00Z', {})).message).toMatch(/date-time with offset/);
    expect(errorOf(() => evaluateDateTime('=42', {})).message).toMatch(/expected a date-time, but the result was number 42/);
  });
});
