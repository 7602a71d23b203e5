// Reports go to the game process over plain HTTP (not the socket): they are about a question,
// not a move in the battle. The page's XSRF token travels in a header.

const REPORT_URL = '/questions/report';

/** Sends one report; resolves to a sentence for the player, never throws. */
export async function sendReport(xsrf, report) {
  try {
    const response = await fetch(REPORT_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf },
      body: JSON.stringify(report),
      credentials: 'same-origin',
    });
    if (response.ok) return 'Thanks — a moderator will look at it.';
    const body = await response.json().catch(() => ({}));
    return body.error || 'That report could not be sent.';
  } catch {
    return 'Not connected — the report was not sent.';
  }
}
