/**
 * Wording shared by the capacity messages. Admins read these in the readiness page and in refusals, so numbers are
 * rounded for people (GiB with at most one decimal) while the results carry the exact bytes alongside.
 */

const GIB = 1024 ** 3;

/** 48318382080 -> "45 GiB"; 1610612736 -> "1.5 GiB". Rounds up, so a shortfall is never shown smaller than it is. */
export function formatGiB(bytes: number): string {
  const gib = Math.ceil((bytes / GIB) * 10) / 10;
  return `${Number.isInteger(gib) ? gib.toFixed(0) : gib.toFixed(1)} GiB`;
}

export function formatVcpus(vcpus: number): string {
  return `${vcpus} vCPU${vcpus === 1 ? '' : 's'}`;
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}
