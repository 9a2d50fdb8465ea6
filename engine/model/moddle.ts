import type { ModdleElement } from './parse';

/** The zeebe:* (and foreign) children of `<bpmn:extensionElements>`. */
export function extensionsOf(element: ModdleElement): ModdleElement[] {
  return (element.extensionElements?.values as ModdleElement[] | undefined) ?? [];
}

export function extensionOf(element: ModdleElement, type: string): ModdleElement | undefined {
  return extensionsOf(element).find((e) => e.$type === type);
}

/** Text of a `bpmn:FormalExpression` (conditions, timers, completion conditions), trimmed; undefined when empty. */
export function expressionBody(expression: ModdleElement | undefined): string | undefined {
  const body = expression?.body;
  if (typeof body !== 'string') return undefined;
  const trimmed = body.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Non-empty trimmed string attribute or undefined. */
export function attr(element: ModdleElement | undefined, name: string): string | undefined {
  const value = element?.[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function documentationOf(element: ModdleElement): string | undefined {
  const docs = (element.documentation as ModdleElement[] | undefined) ?? [];
  const text = docs.map((d) => (typeof d.text === 'string' ? d.text.trim() : '')).filter(Boolean).join('\n');
  return text === '' ? undefined : text;
}

/** Attributes moddle did not recognise (kept in `$attrs`), excluding namespace declarations. */
export function foreignAttributes(element: ModdleElement): string[] {
  const attrs = (element.$attrs as Record<string, string> | undefined) ?? {};
  return Object.keys(attrs).filter((name) => name !== 'xmlns' && !name.startsWith('xmlns:'));
}
