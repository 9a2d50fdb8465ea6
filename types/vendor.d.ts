// Minimal typings for ESM packages that ship no top-level declarations.
declare module 'bpmn-moddle' {
  export interface ParseResult {
    rootElement: any;
    warnings: Array<{ message: string; element?: any; property?: string; value?: unknown; error?: Error }>;
    references: unknown[];
    elementsById: Record<string, any>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string | Record<string, unknown>, options?: Record<string, unknown>): Promise<ParseResult>;
    toXML(element: unknown, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): any;
  }
}
declare module 'zeebe-bpmn-moddle/resources/zeebe.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
declare module '@camunda/form-linting' {
  export interface FormLintReport { id?: string; label?: string; message: string; category: string }
  export class FormLinter { lint(contents: string | Record<string, unknown>): FormLintReport[] }
}
declare module 'bpmn-js-differ' {
  export function diff(a: unknown, b: unknown): { _added: Record<string, any>; _removed: Record<string, any>; _changed: Record<string, any>; _layoutChanged: Record<string, any> };
}
declare module '@authenio/samlify-xmllint-wasm' {
  /** samlify's schema validator: resolves when the SAML message is valid against the SAML 2.0 XSDs, else rejects. */
  export function validate(xml: string): Promise<unknown>;
}
declare module 'dmn-moddle' {
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: any; warnings: Array<{ message: string; element?: any }> }>;
  }
}
