import { ExpressionError, evaluate, evaluateCondition, evaluateDateTime, evaluateStringList, evaluateWithWarnings, feelSyntaxProblem } from '../../engine/feel';

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
  it('negative zero is stored as 0 (JSON has no -0; FEEL decimals have none)', () => {
    expect(Object.is(evaluate('=-0', {}), 0)).toBe(true);
    expect(Object.is(evaluate('=0 * -1', {}), 0)).toBe(true);
  });

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

describe('Camunda FEEL extension functions missing in feelin', () => {
  it.each([
    ['=is blank("  ")', true],
    ['=is blank("a")', false],
    ['=trim("  Novus ")', 'Novus'],
    ['=extract("VK-2026-000123 och VK-2026-000124", "VK-\\d{4}-\\d{6}")', ['VK-2026-000123', 'VK-2026-000124']],
    ['=is empty([])', true],
    ['=is empty([1])', false],
    ['=duplicate values([1, 2, 1, "a", "a", 3])', [1, 'a']],
    ['=partition([1, 2, 3, 4, 5], 2)', [[1, 2], [3, 4], [5]]],
    ['=get or else(saknas, "standard")', 'standard'],
    ['=get or else("satt", "standard")', 'satt'],
    ['=is defined(kommun)', true],
    ['=is defined(saknas)', false],
    ['=last day of month(date("2028-02-10"))', 29],
    ['=last day of month(date and time("2026-04-30T23:00:00Z"))', 30],
  ])('%s → %j', (expression, expected) => {
    expect(evaluate(expression, { kommun: 'vaxjo' })).toEqual(expected);
  });

  it('generates UUIDs and random numbers', () => {
    expect(evaluate('=uuid()', {})).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const n = evaluate('=random number()', {}) as number;
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThan(1);
  });

  it('accepts named arguments and lets a variable of the same name win', () => {
    expect(evaluate('=get or else(value: null, default: 2)', {})).toBe(2);
    expect(evaluate('=trim', { trim: 'variabel' })).toBe('variabel');
  });

  it('yields null for wrong argument types, like the other built-ins', () => {
    expect(evaluate('=is empty("text")', {})).toBeNull();
    expect(evaluate('=partition([1], 0)', {})).toBeNull();
  });
});

describe('feelSyntaxProblem (deploy-time check)', () => {
  it.each(['static text', '=x + 1', '=get or else(x, 1)', '=last day of month(date("2026-02-01"))', '=date and time(d) - duration("P14D")', '={a: [1, 2]}.a[1]'])(
    'accepts %s',
    (expression) => {
      expect(feelSyntaxProblem(expression)).toBeUndefined();
    },
  );

  it.each([
    ['=x +', /ends unexpectedly/],
    ['=x )', /syntax error at character 3/],
    ['=', /empty/],
    ['={a: 1', /ends unexpectedly/],
  ])('refuses %s', (expression, text) => {
    expect(feelSyntaxProblem(expression)).toMatch(text);
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

  it('accepts a FEEL list of strings', () => {
    expect(evaluateStringList('=["socialsekreterare-" + kommun]', { kommun: 'alvesta' })).toEqual(['socialsekreterare-alvesta']);
    expect(evaluateStringList('=["chef-" + kommun, "remissgruppen"]', { kommun: 'ljungby' })).toEqual(['chef-ljungby', 'remissgruppen']);
  });

  it('refuses a FEEL string like Zeebe does (incident: expected ARRAY, but was STRING), with the fix in the message', () => {
    const e = errorOf(() => evaluateStringList('="socialsekreterare-" + kommun', { kommun: 'alvesta' }));
    expect(e.message).toMatch(/expected a list of strings, but the result was string "socialsekreterare-alvesta"/);
    expect(e.message).toContain('=["socialsekreterare-" + kommun]');
    expect(errorOf(() => evaluateStringList('="a, b"', {})).message).toMatch(/expected a list of strings/);
  });

  it('refuses other results, explaining a missing variable', () => {
    expect(errorOf(() => evaluateStringList('=[1, 2]', {})).message).toMatch(/expected a list of strings, but the result was a list/);
    expect(errorOf(() => evaluateStringList('=grupper', {})).message).toMatch(/but the result was null\. .*NO_VARIABLE_FOUND/);
  });
});

describe('evaluateDateTime', () => {
  it('accepts static ISO date-times with offset or Z', () => {
    expect(evaluateDateTime('2026-12-01T09:00:00+01:00', {})).toBe('2026-12-01T09:00:00+01:00');
    expect(evaluateDateTime('2026-12-01T08:00:00Z', {})).toBe('2026-12-01T08:00:00Z');
    expect(evaluateDateTime('2026-12-01T08:00:00.250Z', {})).toBe('2026-12-01T08:00:00.250Z');
    expect(evaluateDateTime('2026-07-01T09:00:00[Europe/Stockholm]', {})).toBe('2026-07-01T09:00:00+02:00');
    expect(evaluateDateTime('2026-12-01T09:00:00+01:00[Europe/Stockholm]', {})).toBe('2026-12-01T09:00:00+01:00');
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
