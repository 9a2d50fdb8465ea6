/** An expression could not be evaluated, or its result has the wrong type. Message shaped like Zeebe's. */
export class ExpressionError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`Failed to evaluate expression '${expression.startsWith('=') ? expression.slice(1) : expression}': ${reason}`);
    this.name = 'ExpressionError';
  }
}
