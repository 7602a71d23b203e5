// The question card: "3 / 10", the category and the question text.
import { $ } from '../utils.js';

const LEVELS = { 1: 'easy', 2: 'medium', 3: 'hard' };

export default class QuestionCard {
  constructor(labelCategory) {
    this._label = labelCategory;
    this._index = $('#question-index');
    this._category = $('#question-category');
    this._text = $('#question-text');
  }

  render({ index, count, category, difficulty, text }) {
    this._index.textContent = `${index + 1} / ${count}`;
    const level = LEVELS[difficulty];
    this._category.textContent = level ? `${this._label(category)} · ${level}` : this._label(category);
    this._text.textContent = text ?? '';
  }
}
