/** Numbers as Swedes read them: decimal comma, space as thousands separator (sv-SE). */
const NUM = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });
const INT = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 0 });
export const fmtNumber = (v: number) => NUM.format(v);
export const fmtInt = (v: number) => INT.format(v);
