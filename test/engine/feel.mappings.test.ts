import { ExpressionError, applyInputMappings, applyOutputMappings, setPath } from '../../engine/feel';

describe('applyInputMappings', () => {
  it('evaluates sources against the variables and returns only the mapped locals', () => {
    const locals = applyInputMappings(
      [
        { source: '=caseRef', target: 'ref' },
        { source: 'fast text', target: 'mall' },
        { source: '=null', target: 'tom' },
      ],
      { caseRef: 'VK-2026-000123', kommun: 'vaxjo' },
    );
    expect(locals).toEqual({ ref: 'VK-2026-000123', mall: 'fast text', tom: null });
  });

  it('lets later inputs see earlier ones', () => {
    const locals = applyInputMappings(
      [
        { source: '=kommun', target: 'k' },
        { source: '="chef-" + k', target: 'grupp' },
      ],
      { kommun: 'lessebo' },
    );
    expect(locals).toEqual({ k: 'lessebo', grupp: 'chef-lessebo' });
  });

  it('builds nested objects for dotted targets and merges into an existing object', () => {
    const variables = { placering: { hem: 'Ekeliden', start: '2026-12-01' } };
    const locals = applyInputMappings(
      [
        { source: '="Novus"', target: 'placering.hem' },
        { source: '=1', target: 'ny.djup.varde' },
        { source: '=2', target: 'ny.djup.annat' },
      ],
      variables,
    );
    expect(locals).toEqual({ placering: { hem: 'Novus', start: '2026-12-01' }, ny: { djup: { varde: 1, annat: 2 } } });
    expect(variables).toEqual({ placering: { hem: 'Ekeliden', start: '2026-12-01' } });
  });

  it('replaces a non-object in the way of a dotted target', () => {
    expect(applyInputMappings([{ source: '=1', target: 'a.b' }], { a: 'text' })).toEqual({ a: { b: 1 } });
  });

  it('passes the clock through to FEEL now()', () => {
    expect(applyInputMappings([{ source: '=today()', target: 'd' }], {}, { now: new Date('2026-05-05T12:00:00Z') })).toEqual({ d: '2026-05-05' });
  });

  it('fails with an ExpressionError naming the broken source', () => {
    expect(() => applyInputMappings([{ source: '=a +', target: 'x' }], {})).toThrow(ExpressionError);
    expect(() => applyInputMappings([{ source: '=a +', target: 'x' }], {})).toThrow(/Failed to evaluate expression 'a \+'/);
  });
});

describe('applyOutputMappings', () => {
  it('maps job results to new variables, with dotted targets merged into existing scope objects', () => {
    const variables = { resultat: { datum: '2026-12-01', hem: 'Novus' }, placering: { id: 7 } };
    const outputs = applyOutputMappings(
      [
        { source: '=resultat.datum', target: 'placering.datum' },
        { source: '=resultat.hem', target: 'hem' },
      ],
      variables,
    );
    expect(outputs).toEqual({ placering: { id: 7, datum: '2026-12-01' }, hem: 'Novus' });
    expect(variables.placering).toEqual({ id: 7 });
  });

  it('lets later outputs see earlier ones, and maps missing sources to null', () => {
    expect(applyOutputMappings([{ source: '=1', target: 'a' }, { source: '=a + 1', target: 'b' }, { source: '=saknas', target: 'c' }], {})).toEqual({ a: 1, b: 2, c: null });
  });
});

describe('setPath', () => {
  it('sets, creates and merges along a dotted path and returns the target', () => {
    const target: Record<string, unknown> = { a: { keep: true } };
    expect(setPath(target, 'a.b.c', 1)).toBe(target);
    expect(target).toEqual({ a: { keep: true, b: { c: 1 } } });
    setPath(target, 'top', [1]);
    expect(target.top).toEqual([1]);
  });

  it('does not mutate nested objects shared with the caller', () => {
    const shared = { x: 1 };
    const target: Record<string, unknown> = { a: shared };
    setPath(target, 'a.y', 2);
    expect(shared).toEqual({ x: 1 });
    expect(target.a).toEqual({ x: 1, y: 2 });
  });

  it.each(['', 'a..b', '.a', 'a.', '__proto__.polluted', 'a.constructor.x'])('refuses the path %p', (path) => {
    expect(() => setPath({}, path, 1)).toThrow(/is not a valid variable path/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
