/** A duration in seconds for a summary: `9.3s` under a minute, else `1m59s` (never `1m60s`). */
export function seconds(value: number): string {
  if (value < 60) return `${value.toFixed(1)}s`;
  const whole = Math.round(value);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

const TIME_UNITS: { readonly [unit: string]: number } = {
  minute: 60,
  hour: 3600,
  day: 86400,
  week: 7 * 86400,
};

/** A time to live such as '3 days', '12 hours', '1 week' or '30 minutes', in seconds. */
export function timeToLiveSeconds(text: string): number | undefined {
  const m = /^ *(\d+) *(minute|hour|day|week)s? *$/.exec(text);
  return m ? Number(m[1]) * TIME_UNITS[m[2]] : undefined;
}

/** How to write a time to live, for messages. */
export const TIME_TO_LIVE_RULE =
  "It must be a number and a unit (minutes, hours, days, weeks), like '3 days' or '12 hours'.";
