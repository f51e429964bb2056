// What the order taker types to find a caller: a phone number (any format; 4 digits or more, the
// end of the number is enough) or a name (2 letters or more). Anything shorter is not sent.

export type Lookup = { kind: "phone"; q: string } | { kind: "name"; q: string } | { kind: "short" };

export function classifyLookup(input: string): Lookup {
  const text = input.trim();
  if (/^[\d\s.+()-]+$/.test(text)) {
    const digits = text.replace(/\D/g, "");
    if (digits.length >= 4) return { kind: "phone", q: text.startsWith("+") ? `+${digits}` : digits };
    return { kind: "short" };
  }
  const letters = text.replace(/[^\p{L}]/gu, "");
  if (letters.length >= 2) return { kind: "name", q: text.replace(/\s+/g, " ") };
  return { kind: "short" };
}

/** A walk-in needs a name and a phone number someone can call back (6 digits at least). */
export function walkInProblems(name: string, phone: string): { name?: true; phone?: true } {
  return {
    ...(name.trim().length < 2 ? { name: true as const } : {}),
    ...(phone.replace(/\D/g, "").length < 6 ? { phone: true as const } : {}),
  };
}

/**
 * A number as the order taker reads it back: a French one (+33…, as the server stores it) in
 * pairs from its 0 (06 12 34 56 78); any other as it is.
 */
export function displayPhone(phone: string | null | undefined): string {
  if (!phone) return "";
  const french = /^\+33(\d{9})$/.exec(phone.replace(/[\s.-]/g, ""));
  if (!french) return phone;
  return `0${french[1]}`.replace(/(\d{2})(?=\d)/g, "$1 ");
}
