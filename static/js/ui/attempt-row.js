// One player's attempt at a closed question as a list row: icon, who, what, how it went (the
// server's words), points and time. Your wrong attempt is red; the opponent's is in their colour.
import { el, seconds } from '../utils.js';

const ICONS = { right: '✓', wrong: '✗', 'them-wrong': '✗', late: '◔', none: '–' };

/** The row for `attempt` (from a reveal or late event) by `name`; `mine` says whose it is. */
export default function attemptRow(attempt, name, mine) {
  if (!attempt) {
    const row = el('li', 'attempt tone-none');
    row.append(el('span', 'verdict', ICONS.none), ' ', el('span', 'attempt-who', name), ': no answer');
    return row;
  }
  let tone = attempt.points > 0 ? 'right' : attempt.correct ? 'late' : 'wrong';
  if (tone === 'wrong' && !mine) tone = 'them-wrong';
  const row = el('li', `attempt tone-${tone}`);
  row.append(
    el('span', 'verdict', ICONS[tone]), ' ',
    el('span', 'attempt-who', name), attempt.method === 'choice' ? ' chose “' : ' typed “',
    el('span', 'attempt-text', attempt.text), '” ',
    el('span', 'attempt-note', attempt.note), ' ',
  );
  if (attempt.points > 0) row.append(el('span', 'attempt-points', `+${attempt.points}`), ' ');
  row.append(el('span', 'attempt-time', `${seconds(attempt.at_ms)}\u00a0s`));
  return row;
}
