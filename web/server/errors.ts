/** An error whose message is meant for the user (Swedish) and maps to an HTTP status. */
export class UserError extends Error {
  constructor(readonly status: number, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export const forbidden = (msg = 'Du har inte behörighet till detta. Be din chef om rätt behörighetsgrupp om du behöver åtkomst.') => new UserError(403, msg);
export const notFound = (msg = 'Hittades inte. Kontrollera länken eller gå tillbaka till inkorgen.') => new UserError(404, msg);
