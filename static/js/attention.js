// Calls a player back to a tab in the background: the tab's title says what happened until the
// tab is looked at again.

export default class Attention {
  constructor() {
    this._title = document.title;
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) document.title = this._title;
    });
  }

  /** Shows `text` in the tab's title if the tab is hidden; true when it was. */
  call(text) {
    if (!document.hidden) return false;
    document.title = `${text} · ${this._title}`;
    return true;
  }
}
