/** Birthdays as the API gives them ("MM-DD" or "YYYY-MM-DD"), in words. */
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A birthday as "14 March", or "14 March 1990" when the year is known. */
export function formatBirthday(birthday: string | null): string | null {
  const match = birthday ? /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(birthday) : null;
  if (!match) return null;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1] ?? ''}${match[1] ? ` ${match[1]}` : ''}`;
}
