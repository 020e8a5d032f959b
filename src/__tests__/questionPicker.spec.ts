/**
 * The question picker and the New session form with questions: filtering as
 * one types, keyboard selection, broken question files, a failed list.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IQuestionList, IQuestionSummary } from '../api/types';
import { CreateSessionForm } from '../dashboard/dialogs';
import { ChooseQuestionForm } from '../questions/questionDialog';
import {
  QuestionPicker,
  filterQuestions,
  questionMatches
} from '../questions/picker';

const trans = nullTranslator.load('devinterview_jupyter');

function summary(overrides: Partial<IQuestionSummary>): IQuestionSummary {
  return {
    id: 'shipped~python~two-sum',
    title: 'Two sum',
    difficulty: 'easy',
    duration_minutes: 30,
    languages: ['python', 'javascript'],
    tags: ['arrays', 'hashing'],
    source: { folder: 'shipped', path: 'python/two-sum.md' },
    parts: 1,
    tests: 3,
    hidden_tests: 2,
    ...overrides
  };
}

const TWO_SUM = summary({});
const TOP_SALARIES = summary({
  id: 'shipped~sql~top-salaries',
  title: 'Top salaries',
  difficulty: 'medium',
  duration_minutes: 45,
  languages: ['sql'],
  tags: ['joins'],
  source: { folder: 'shipped', path: 'sql/top-salaries.md' },
  parts: 0
});
const LRU = summary({
  id: 'folder1~lru-cache',
  title: 'LRU cache',
  difficulty: 'hard',
  duration_minutes: null,
  languages: ['javascript'],
  tags: ['design'],
  source: { folder: 'folder1', path: 'lru-cache.ipynb' }
});

const LIST: IQuestionList = {
  items: [TWO_SUM, TOP_SALARIES, LRU],
  problems: []
};

function options(picker: QuestionPicker): HTMLElement[] {
  return Array.from(
    picker.node.querySelectorAll<HTMLElement>('.jp-DevInterview-questionOption')
  );
}

function key(target: HTMLElement, name: string): void {
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true })
  );
}

describe('question search', () => {
  it('matches every word over title, language, difficulty and tags', () => {
    expect(questionMatches(TWO_SUM, '')).toBe(true);
    expect(questionMatches(TWO_SUM, 'two')).toBe(true);
    expect(questionMatches(TWO_SUM, 'JavaScript easy')).toBe(true);
    expect(questionMatches(TWO_SUM, 'hashing')).toBe(true);
    expect(questionMatches(TWO_SUM, 'python hard')).toBe(false);
    expect(filterQuestions(LIST.items, 'sql').map(q => q.id)).toEqual([
      TOP_SALARIES.id
    ]);
    expect(filterQuestions(LIST.items, 'javascript').map(q => q.id)).toEqual([
      TWO_SUM.id,
      LRU.id
    ]);
    expect(filterQuestions(LIST.items, 'hard').map(q => q.id)).toEqual([
      LRU.id
    ]);
  });
});

describe('QuestionPicker', () => {
  let picker: QuestionPicker;

  beforeEach(() => {
    picker = new QuestionPicker({ trans });
    Widget.attach(picker, document.body);
  });

  afterEach(() => picker.dispose());

  it('says it is loading, then lists the questions after "No question"', () => {
    expect(picker.node.textContent).toContain('Loading questions…');
    picker.setQuestions(LIST);
    const shown = options(picker);
    expect(shown.map(o => o.dataset.questionId)).toEqual([
      '',
      TWO_SUM.id,
      TOP_SALARIES.id,
      LRU.id
    ]);
    expect(shown[0].textContent).toContain('No question');
    expect(shown[0].getAttribute('aria-selected')).toBe('true');
    expect(shown[1].textContent).toContain('Two sum');
    expect(shown[1].textContent).toContain('Python, JavaScript');
    expect(shown[1].textContent).toContain('easy');
    expect(shown[1].textContent).toContain('30 min');
    expect(picker.value).toBeNull();
    expect(picker.listNode.getAttribute('role')).toBe('listbox');
    expect(shown.every(o => o.getAttribute('role') === 'option')).toBe(true);
  });

  it('filters as one types', () => {
    picker.setQuestions(LIST);
    picker.searchNode.value = 'sql';
    picker.searchNode.dispatchEvent(new Event('input'));
    expect(options(picker).map(o => o.dataset.questionId)).toEqual([
      '',
      TOP_SALARIES.id
    ]);
    picker.query = 'nothing like this';
    expect(options(picker)).toHaveLength(1);
    expect(picker.node.textContent).toContain('No question matches');
  });

  it('moves the choice with the arrow keys from the search box and the list', () => {
    picker.setQuestions(LIST);
    const chosen: (string | null)[] = [];
    picker.valueChanged.connect((_, q) => chosen.push(q?.id ?? null));

    key(picker.searchNode, 'ArrowDown');
    expect(picker.value?.id).toBe(TWO_SUM.id);
    const selected = picker.node.querySelector('[aria-selected="true"]')!;
    expect(picker.searchNode.getAttribute('aria-activedescendant')).toBe(
      selected.id
    );
    key(picker.searchNode, 'ArrowDown');
    key(picker.searchNode, 'ArrowDown');
    key(picker.searchNode, 'ArrowDown'); // stays on the last
    expect(picker.value?.id).toBe(LRU.id);
    key(picker.listNode, 'Home');
    expect(picker.value).toBeNull();
    key(picker.listNode, 'End');
    expect(picker.value?.id).toBe(LRU.id);
    key(picker.listNode, 'ArrowUp');
    expect(picker.value?.id).toBe(TOP_SALARIES.id);
    expect(chosen).toEqual([
      TWO_SUM.id,
      TOP_SALARIES.id,
      LRU.id,
      null,
      LRU.id,
      TOP_SALARIES.id
    ]);

    // Within a search, the keys walk the matches only.
    picker.select(null);
    picker.query = 'javascript';
    key(picker.searchNode, 'ArrowDown');
    key(picker.searchNode, 'ArrowDown');
    expect(picker.value?.id).toBe(LRU.id);
  });

  it('chooses with a click', () => {
    picker.setQuestions(LIST);
    options(picker)[2].querySelector('span')!.click();
    expect(picker.value?.id).toBe(TOP_SALARIES.id);
    options(picker)[0].click();
    expect(picker.value).toBeNull();
  });

  it('names broken question files in a collapsed section', () => {
    picker.setQuestions({
      items: [TWO_SUM],
      problems: [
        {
          folder: 'folder1',
          path: 'broken.md',
          message: 'tests: line 3: expected a list'
        },
        { folder: 'folder1', path: 'huge.ipynb', message: 'larger than 256 KB' }
      ]
    });
    const details = picker.node.querySelector<HTMLDetailsElement>(
      '.jp-DevInterview-questionProblems'
    )!;
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe(
      '2 question files have problems'
    );
    const items = Array.from(details.querySelectorAll('li')).map(
      li => li.textContent
    );
    expect(items).toEqual([
      'folder1/broken.md: tests: line 3: expected a list',
      'folder1/huge.ipynb: larger than 256 KB'
    ]);
  });

  it('hides the problems section when there are none', () => {
    picker.setQuestions(LIST);
    expect(
      picker.node.querySelector<HTMLElement>(
        '.jp-DevInterview-questionProblems'
      )!.hidden
    ).toBe(true);
  });
});

describe('the New session form with questions', () => {
  const flush = () => new Promise(resolve => setTimeout(resolve, 0));
  let form: CreateSessionForm;

  afterEach(() => form.dispose());

  function field(name: string): HTMLInputElement | HTMLSelectElement {
    return form.node.querySelector(`[name="${name}"]`)!;
  }

  it('sends the chosen question and fits the language and minutes to it', async () => {
    form = new CreateSessionForm(trans, 'go', Promise.resolve(LIST));
    await flush();
    (field('title') as HTMLInputElement).value = 'Backend';
    expect(form.getValue()).toEqual({
      title: 'Backend',
      language: 'go',
      planned_minutes: 60
    });

    form.picker!.select(TOP_SALARIES.id);
    expect(field('language').value).toBe('sql');
    expect(field('planned_minutes').value).toBe('45');
    const go = (
      field('language') as HTMLSelectElement
    ).querySelector<HTMLOptionElement>('option[value="go"]')!;
    expect(go.disabled).toBe(true);
    expect(form.getValue()).toEqual({
      title: 'Backend',
      language: 'sql',
      planned_minutes: 45,
      question_id: TOP_SALARIES.id
    });

    // A language the question supports is kept.
    field('language').value = 'sql';
    form.picker!.select(TWO_SUM.id);
    expect(field('language').value).toBe('python');
    field('language').value = 'javascript';
    form.picker!.select(LRU.id);
    expect(field('language').value).toBe('javascript');
    // No duration: the default.
    expect(field('planned_minutes').value).toBe('60');

    // Minutes the interviewer typed stay.
    field('planned_minutes').value = '25';
    field('planned_minutes').dispatchEvent(new Event('input'));
    form.picker!.select(TOP_SALARIES.id);
    expect(field('planned_minutes').value).toBe('25');

    form.picker!.select(null);
    expect(go.disabled).toBe(false);
    expect(form.getValue().question_id).toBeUndefined();
  });

  it('still works, with a message, when the questions cannot be listed', async () => {
    form = new CreateSessionForm(
      trans,
      'python',
      Promise.reject(new Error('database unavailable'))
    );
    await flush();
    expect(form.node.textContent).toContain(
      'Questions could not be loaded (database unavailable). You can create the session without one.'
    );
    (field('title') as HTMLInputElement).value = 'Backend';
    expect(form.getValue()).toEqual({
      title: 'Backend',
      language: 'python',
      planned_minutes: 60
    });
  });

  it('has no picker when no questions are offered', () => {
    form = new CreateSessionForm(trans, 'python');
    expect(form.picker).toBeNull();
    expect(
      form.node.querySelector('.jp-DevInterview-questionPicker')
    ).toBeNull();
  });
});

describe('the Change question form', () => {
  it('preselects the current question and asks whether to replace the code', async () => {
    const form = new ChooseQuestionForm(trans, Promise.resolve(LIST), LRU.id);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(form.picker.value?.id).toBe(LRU.id);
    expect(
      form.node.querySelector(
        '.jp-DevInterview-questionOption[data-question-id=""]'
      )
    ).toBeNull();
    expect(form.getValue()).toEqual({
      question_id: LRU.id,
      starter: 'if_empty'
    });
    form.replaceStarter.checked = true;
    form.picker.select(TWO_SUM.id);
    expect(form.getValue()).toEqual({
      question_id: TWO_SUM.id,
      starter: 'replace'
    });
    form.dispose();
  });
});
