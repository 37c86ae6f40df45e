/** A duration in seconds for a summary: `9.3s` under a minute, else `1m59s` (never `1m60s`). */
export function seconds(value: number): string {
  if (value < 60) return `${value.toFixed(1)}s`;
  const whole = Math.round(value);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
