// One player's attempt at a closed question as a list row: icon, who, what, verdict, points, time.
import { el, seconds } from '../utils.js';

export const ICONS = { right: '✓', wrong: '✗', stolen: '◔', none: '–' };

/** The row for `attempt` by `name`; no attempt shows "no answer", or `lateText` if given. */
export function attemptRow(attempt, name, lateText = null) {
  if (!attempt) {
    const row = el('li', lateText ? 'attempt tone-late' : 'attempt');
    row.append(
      el('span', 'verdict', lateText ? ICONS.stolen : ICONS.none), ' ',
      el('span', 'attempt-who', name), `: ${lateText ?? 'no answer'}`,
    );
    return row;
  }
  const tone = attempt.points > 0 ? 'right' : attempt.correct ? 'late' : 'wrong';
  const verdict = { right: 'right', late: 'right, but too late', wrong: 'wrong' }[tone];
  const row = el('li', `attempt tone-${tone}`);
  row.append(
    el('span', 'verdict', ICONS[tone === 'late' ? 'stolen' : tone]), ' ',
    el('span', 'attempt-who', name), attempt.method === 'choice' ? ' chose “' : ' typed “',
    el('span', 'attempt-text', attempt.text), '” ',
    el('span', 'attempt-reason', `${verdict} (${attempt.reason})`), ' ',
    el('span', 'attempt-points', `+${attempt.points}`), ' ',
    el('span', 'attempt-time', `${seconds(attempt.at_ms)} s`),
  );
  return row;
}
