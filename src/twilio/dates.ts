/** Twilio's date format: UTC, to the second, `Z`, e.g. `2019-07-30T21:57:45Z`. */
export function twilioDate(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19) + 'Z';
}
