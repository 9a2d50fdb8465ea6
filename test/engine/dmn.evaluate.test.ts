/**
 * DMN decisions as Zeebe evaluates them: every hit policy (UNIQUE, FIRST, PRIORITY, ANY, COLLECT with and
 * without SUM/MIN/MAX/COUNT, RULE ORDER, OUTPUT ORDER), several outputs as a context, literal expressions,
 * required decisions, failures as part of the answer; and deploy-time validation of broken DMN.
 */
import { compileDmn } from '../../engine/dmn/parse';
import { evaluateDrg } from '../../engine/dmn/evaluate';
import { decisionTable, dmnXml, literalDecision, type TableSpec } from '../helpers/dmn-xml';

async function evaluateTable(spec: Omit<TableSpec, 'id'>, variables: Record<string, unknown>) {
  const drg = await compileDmn(dmnXml(decisionTable({ id: 'd', ...spec })), 't.dmn');
  return evaluateDrg(drg, 'd', variables);
}

const scores = { inputs: ['score'], outputs: [{ name: 'level', values: '"low","mid","high"' }], rules: [[['> 10'], ['"high"']], [['> 5'], ['"mid"']], [['-'], ['"low"']]] as Array<[string[], string[]]> };

describe('hit policies', () => {
  test('UNIQUE: the one matching rule; none matching is null; two matching is a failure naming the rules', async () => {
    const spec = { inputs: ['age'], outputs: [{}], rules: [[['< 18'], ['"minor"']], [['>= 18'], ['"adult"']]] as Array<[string[], string[]]> };
    expect((await evaluateTable(spec, { age: 30 })).output).toBe('adult');
    expect((await evaluateTable({ ...spec, rules: [[['< 18'], ['"minor"']]] }, { age: 30 })).output).toBeNull();
    const both = await evaluateTable({ ...spec, rules: [[['> 1'], ['"a"']], [['> 2'], ['"b"']]] }, { age: 30 });
    expect(both.failure?.message).toMatch(/UNIQUE .*2 matched \(rules 1, 2\)/);
    expect(both.output).toBeNull();
  });

  test('FIRST takes the first match in rule order', async () => {
    expect((await evaluateTable({ ...scores, hitPolicy: 'FIRST' }, { score: 7 })).output).toBe('mid');
    expect((await evaluateTable({ ...scores, hitPolicy: 'FIRST' }, { score: 11 })).output).toBe('high');
  });

  test('PRIORITY ranks by the output values, OUTPUT ORDER lists all by them', async () => {
    const reversed = { ...scores, outputs: [{ name: 'level', values: '"low","mid","high"' }] };
    expect((await evaluateTable({ ...reversed, hitPolicy: 'PRIORITY' }, { score: 11 })).output).toBe('low');
    expect((await evaluateTable({ ...reversed, hitPolicy: 'OUTPUT ORDER' }, { score: 11 })).output).toEqual(['low', 'mid', 'high']);
    const ranked = { ...scores, outputs: [{ name: 'level', values: '"high","mid","low"' }] };
    expect((await evaluateTable({ ...ranked, hitPolicy: 'PRIORITY' }, { score: 7 })).output).toBe('mid');
    expect((await evaluateTable({ ...ranked, hitPolicy: 'OUTPUT ORDER' }, { score: 7 })).output).toEqual(['mid', 'low']);
  });

  test('ANY accepts several matches with equal output and fails on different ones', async () => {
    const spec = { inputs: ['x'], outputs: [{}], rules: [[['> 1'], ['"same"']], [['> 2'], ['"same"']], [['> 5'], ['"other"']]] as Array<[string[], string[]]>, hitPolicy: 'ANY' };
    expect((await evaluateTable(spec, { x: 3 })).output).toBe('same');
    expect((await evaluateTable(spec, { x: 9 })).failure?.message).toMatch(/ANY .*differ/);
  });

  test('RULE ORDER and COLLECT list every match; no match is an empty list', async () => {
    expect((await evaluateTable({ ...scores, hitPolicy: 'RULE ORDER' }, { score: 11 })).output).toEqual(['high', 'mid', 'low']);
    expect((await evaluateTable({ ...scores, hitPolicy: 'COLLECT' }, { score: 7 })).output).toEqual(['mid', 'low']);
    expect((await evaluateTable({ ...scores, rules: [[['> 100'], ['"x"']]], hitPolicy: 'COLLECT' }, { score: 7 })).output).toEqual([]);
  });

  test('COLLECT with SUM, MIN, MAX and COUNT aggregates the outputs', async () => {
    const spec = { inputs: ['x'], outputs: [{}], rules: [[['> 1'], ['10']], [['> 2'], ['5']], [['> 3'], ['x * 100']]] as Array<[string[], string[]]>, hitPolicy: 'COLLECT' };
    expect((await evaluateTable({ ...spec, aggregation: 'SUM' }, { x: 4 })).output).toBe(415);
    expect((await evaluateTable({ ...spec, aggregation: 'MIN' }, { x: 4 })).output).toBe(5);
    expect((await evaluateTable({ ...spec, aggregation: 'MAX' }, { x: 4 })).output).toBe(400);
    expect((await evaluateTable({ ...spec, aggregation: 'COUNT' }, { x: 2.5 })).output).toBe(2);
    expect((await evaluateTable({ ...spec, aggregation: 'COUNT' }, { x: 0 })).output).toBe(0);
    expect((await evaluateTable({ ...spec, aggregation: 'SUM' }, { x: 0 })).output).toBeNull();
  });
});

test('several outputs form a context; an empty output entry is null; matched rules and inputs are reported', async () => {
  const result = await evaluateTable(
    { inputs: ['kind', 'amount'], outputs: [{ name: 'approved' }, { name: 'note' }], rules: [[['"a","b"', '<= 100'], ['true', '']], [['-', '> 100'], ['false', '"too much"']]] },
    { kind: 'b', amount: 50 },
  );
  expect(result.output).toEqual({ approved: true, note: null });
  expect(result.evaluated[0]!.evaluatedInputs).toEqual([
    { inputId: 'd_in1', inputName: 'In 1', inputValue: 'b' },
    { inputId: 'd_in2', inputName: 'In 2', inputValue: 50 },
  ]);
  expect(result.evaluated[0]!.matchedRules).toEqual([{ ruleId: 'd_r1', ruleIndex: 1, evaluatedOutputs: [{ outputId: 'd_out1', outputName: 'approved', outputValue: true }, { outputId: 'd_out2', outputName: 'note', outputValue: null }] }]);
});

test('required decisions are evaluated first and visible by their id; literal expressions compute values', async () => {
  const xml = dmnXml([
    literalDecision('total', 'sum(items)'),
    decisionTable({ id: 'discount', inputs: ['total'], outputs: [{}], rules: [[['>= 100'], ['0.1']], [['< 100'], ['0']]], requires: ['total'] }),
    literalDecision('price', 'total * (1 - discount)', ['total', 'discount']),
  ].join('\n'));
  const drg = await compileDmn(xml, 'price.dmn');
  const result = evaluateDrg(drg, 'price', { items: [60, 40, 50] });
  expect(result.failure).toBeUndefined();
  expect(result.output).toBeCloseTo(135);
  expect(result.evaluated.map((e) => [e.decisionId, e.decisionType])).toEqual([['total', 'LITERAL_EXPRESSION'], ['discount', 'DECISION_TABLE'], ['price', 'LITERAL_EXPRESSION']]);
});

test('a failing required decision fails the evaluation and is named as the failed decision', async () => {
  const xml = dmnXml([
    decisionTable({ id: 'inner', inputs: ['x'], outputs: [{}], rules: [[['> 0'], ['1']], [['> 0'], ['2']]] }),
    literalDecision('outer', 'inner + 1', ['inner']),
  ].join('\n'));
  const result = evaluateDrg(await compileDmn(xml, 'f.dmn'), 'outer', { x: 1 });
  expect(result.failure?.decisionId).toBe('inner');
  expect(result.failure?.message).toMatch(/^Expected to evaluate decision 'outer', but hit policy UNIQUE of decision 'inner'/);
  expect(result.evaluated.map((e) => e.decisionId)).toEqual(['inner']);
});

test('an input value outside the allowed input values is a failure', async () => {
  const xml = dmnXml('<decision id="d" name="d"><decisionTable id="t"><input id="i"><inputExpression id="ie"><text>kind</text></inputExpression><inputValues id="iv"><text>"a","b"</text></inputValues></input><output id="o" /><rule id="r"><inputEntry id="e1"><text>-</text></inputEntry><outputEntry id="e2"><text>1</text></outputEntry></rule></decisionTable></decision>');
  const drg = await compileDmn(xml, 'v.dmn');
  expect(evaluateDrg(drg, 'd', { kind: 'a' }).output).toBe(1);
  expect(evaluateDrg(drg, 'd', { kind: 'z' }).failure?.message).toMatch(/"z", which is not one of the allowed values "a","b"/);
});

describe('deploy-time validation', () => {
  const refused = async (xml: string) => {
    try {
      await compileDmn(xml, 'bad.dmn');
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the DMN to be refused');
  };

  test('malformed XML and a BPMN file given as DMN are refused', async () => {
    expect(await refused('<definitions')).toMatch(/^Cannot deploy 'bad.dmn' \(1 problem\):\n- The file is not valid DMN XML/);
    expect(await refused('<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x" />')).toMatch(/not a DMN 1.3 document|not valid DMN XML/);
  });

  test('unknown hit policy, aggregation without COLLECT, unnamed outputs, missing priorities are refused, all at once', async () => {
    const message = await refused(dmnXml([
      decisionTable({ id: 'a', hitPolicy: 'SOMETIMES', inputs: ['x'], outputs: [{}], rules: [[['-'], ['1']]] }),
      decisionTable({ id: 'b', hitPolicy: 'FIRST', aggregation: 'SUM', inputs: ['x'], outputs: [{}], rules: [[['-'], ['1']]] }),
      decisionTable({ id: 'c', inputs: ['x'], outputs: [{}, {}], rules: [[['-'], ['1', '2']]] }),
      decisionTable({ id: 'e', hitPolicy: 'PRIORITY', inputs: ['x'], outputs: [{}], rules: [[['-'], ['1']]] }),
    ].join('')));
    expect(message).toMatch(/\(5 problems\)/);
    expect(message).toMatch(/Element 'a': the hit policy 'SOMETIMES' is not supported/);
    expect(message).toMatch(/Element 'b': an aggregation \(SUM\) is only allowed with hit policy COLLECT/);
    expect(message).toMatch(/Element 'c': output 1 .* has no name/);
    expect(message).toMatch(/Element 'e': hit policy PRIORITY ranks the matches by the output values/);
  });

  test('FEEL syntax errors in entries and expressions are refused, naming the rule', async () => {
    const message = await refused(dmnXml([
      decisionTable({ id: 'a', inputs: ['x +'], outputs: [{}], rules: [[['>'], ['"ok" +']]] }),
      literalDecision('b', 'if then'),
    ].join('')));
    expect(message).toMatch(/Element 'a': the FEEL expression 'x \+' ends unexpectedly/);
    expect(message).toMatch(/Element 'a': rule 1 \(a_r1\): the input entry '>' ends unexpectedly/);
    expect(message).toMatch(/Element 'a': rule 1 \(a_r1\): the FEEL expression '"ok" \+'/);
    expect(message).toMatch(/Element 'b': the FEEL expression 'if then'/);
  });

  test('missing and cyclic required decisions, unsupported logic and empty files are refused', async () => {
    expect(await refused(dmnXml(literalDecision('a', '1', ['ghost'])))).toMatch(/requires the decision 'ghost', which is not in this file/);
    expect(await refused(dmnXml(literalDecision('a', 'b', ['b']) + literalDecision('b', 'a', ['a'])))).toMatch(/cycle \(a → b → a\)/);
    expect(await refused(dmnXml('<decision id="a" name="a"><context id="c" /></decision>'))).toMatch(/decision logic Context is not supported/);
    expect(await refused(dmnXml('<decision id="a" name="a" />'))).toMatch(/has no decision logic/);
    expect(await refused(dmnXml('<inputData id="i" name="x" />'))).toMatch(/contains no decision/);
  });
});
