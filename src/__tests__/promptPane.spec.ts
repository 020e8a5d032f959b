/**
 * The prompt pane on a real Y.Doc: the room's question rendered as sanitized
 * Markdown (with `marked`, as JupyterLab's parser), the revealed parts, no
 * external resources, and the interviewer's controls.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { marked } from 'marked';
import * as Y from 'yjs';

import {
  externalFreeSanitizer,
  isSameOriginOrData,
  promptRenderMime
} from '../questions/markdown';
import { QUESTION_KEY } from '../questions/model';
import type { IPromptControls } from '../questions/promptPane';
import { PromptPane } from '../questions/promptPane';

const trans = nullTranslator.load('devinterview_jupyter');

function rendermime() {
  return promptRenderMime(
    new RenderMimeRegistry({
      initialFactories: standardRendererFactories,
      sanitizer: new Sanitizer(),
      markdownParser: { render: async source => marked.parse(source) }
    })
  );
}

/**
 * Write the question as the server would (a transaction on the `question` map).
 */
function setQuestion(doc: Y.Doc, fields: Record<string, unknown>): void {
  const map = doc.getMap<unknown>(QUESTION_KEY);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) {
      map.set(key, value);
    }
  });
}

const QUESTION = {
  id: 'sq-1',
  title: 'Two sum',
  difficulty: 'easy',
  language: 'python',
  prompt: 'Return the **indices** of the two numbers.',
  parts: [],
  starter: { python: 'def two_sum(nums, target):\n    pass\n' },
  tests: []
};

describe('PromptPane', () => {
  let doc: Y.Doc;
  let pane: PromptPane;

  beforeEach(() => {
    doc = new Y.Doc();
  });

  afterEach(() => {
    pane.dispose();
  });

  function attach(controls: IPromptControls | null = null): PromptPane {
    pane = new PromptPane({ doc, rendermime: rendermime(), trans, controls });
    Widget.attach(pane, document.body);
    return pane;
  }

  function prompt(): HTMLElement {
    return pane.node.querySelector('.jp-DevInterview-prompt')!;
  }

  it('says when the interview has no question (no button for a candidate)', async () => {
    attach();
    await pane.rendered;
    expect(prompt().textContent).toContain('No question for this interview');
    expect(
      pane.node.querySelector('.jp-DevInterview-chooseQuestion')
    ).toBeNull();
    expect(pane.node.querySelector('.jp-DevInterview-revealPart')).toBeNull();
    expect(
      pane.node.querySelector('.jp-DevInterview-changeQuestion')
    ).toBeNull();
  });

  it('renders the title, difficulty, prompt and each part as it is revealed', async () => {
    attach();
    setQuestion(doc, QUESTION);
    await pane.rendered;
    expect(prompt().querySelector('h2')!.textContent).toBe('Two sum');
    expect(
      prompt().querySelector('.jp-DevInterview-difficulty')!.textContent
    ).toBe('easy');
    const text = prompt().querySelector('.jp-DevInterview-promptText')!;
    expect(text.querySelector('strong')!.textContent).toBe('indices');
    expect(
      prompt().querySelectorAll('.jp-DevInterview-promptPart')
    ).toHaveLength(0);

    setQuestion(doc, {
      parts: [{ title: 'Part 2: Sorted input', prompt: 'Now in *O(1)* space.' }]
    });
    await pane.rendered;
    const parts = prompt().querySelectorAll<HTMLElement>(
      '.jp-DevInterview-promptPart'
    );
    expect(parts).toHaveLength(1);
    expect(parts[0].querySelector('h3')!.textContent).toBe(
      'Part 2: Sorted input'
    );
    expect(parts[0].querySelector('em')!.textContent).toBe('O(1)');
    expect(parts[0].dataset.part).toBe('2');

    // The question removed (e.g. a new session copy on its way): empty again.
    doc.transact(() => {
      for (const key of Array.from(doc.getMap(QUESTION_KEY).keys())) {
        doc.getMap(QUESTION_KEY).delete(key);
      }
    });
    await pane.rendered;
    expect(prompt().textContent).toContain('No question for this interview');
  });

  it('never lets the prompt load anything from another origin', async () => {
    attach();
    setQuestion(doc, {
      ...QUESTION,
      prompt: [
        '![tracker](https://evil.example/pixel.png)',
        '<img src="https://evil.example/raw.png" alt="raw">',
        '<img src="//evil.example/protocol-relative.png">',
        '![inline](data:image/png;base64,iVBORw0KGgo=)',
        '![local](/files/diagram.png)',
        '<iframe src="https://evil.example/frame"></iframe>',
        '<p style="background-image: url(https://evil.example/bg.png)">styled</p>',
        '[docs](https://docs.python.org/3/)',
        '<a href="https://example.org" data-commandlinker-command="terminal:create-new">run</a>'
      ].join('\n\n')
    });
    await pane.rendered;
    const html = prompt().innerHTML;
    expect(html).not.toContain('evil.example');
    const images = Array.from(prompt().querySelectorAll('img')).map(img =>
      img.getAttribute('src')
    );
    expect(images).toEqual([
      'data:image/png;base64,iVBORw0KGgo=',
      '/files/diagram.png'
    ]);
    expect(prompt().querySelector('iframe')).toBeNull();
    const blocked = Array.from(
      prompt().querySelectorAll('.jp-DevInterview-blockedImage')
    ).map(node => node.textContent);
    expect(blocked).toEqual(['[tracker]', '[raw]', '[image]']);
    expect(prompt().textContent).toContain('styled');
    const link = prompt().querySelector<HTMLAnchorElement>(
      'a[href="https://docs.python.org/3/"]'
    )!;
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    expect(link.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(prompt().querySelector('[data-commandlinker-command]')).toBeNull();
  });

  it('strips external resources before the HTML reaches the page', () => {
    const html =
      '<p>x<img src="https://evil.example/a.png" alt="a"><img src="data:image/gif;base64,R0lGOD"></p>';
    // JupyterLab's sanitizer alone lets the external image through.
    expect(new Sanitizer().sanitize(html)).toContain('evil.example');
    const sanitizer = externalFreeSanitizer(new Sanitizer());
    const clean = sanitizer.sanitize(html);
    expect(clean).not.toContain('evil.example');
    expect(clean).toContain('data:image/gif');
    expect(
      isSameOriginOrData('https://evil.example/x', 'http://localhost/')
    ).toBe(false);
    expect(isSameOriginOrData('/x.png', 'http://localhost/lab')).toBe(true);
    expect(
      isSameOriginOrData('data:image/png;base64,', 'http://localhost/')
    ).toBe(true);
  });

  it('gives interviewers "Reveal part N" until every part is revealed', async () => {
    const revealed: number[] = [];
    const controls: IPromptControls = {
      partCount: async () => 2,
      revealNextPart: async () => {
        revealed.push(1);
        const parts = [
          ...((doc.getMap(QUESTION_KEY).get('parts') as unknown[]) ?? []),
          { title: 'Part', prompt: 'more' }
        ];
        setQuestion(doc, { parts });
      },
      chooseQuestion: async () => undefined
    };
    attach(controls);
    setQuestion(doc, QUESTION);
    await pane.rendered;
    await pane.refreshPartCount();
    const reveal = pane.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-revealPart'
    )!;
    const info = pane.node.querySelector('.jp-DevInterview-promptInfo')!;
    expect(reveal.hidden).toBe(false);
    expect(reveal.disabled).toBe(false);
    expect(reveal.textContent).toBe('Reveal part 2');
    expect(info.textContent).toBe('Part 1 of 3 revealed');

    await pane.reveal();
    await pane.refreshPartCount();
    expect(revealed).toHaveLength(1);
    expect(reveal.textContent).toBe('Reveal part 3');
    expect(info.textContent).toBe('Part 2 of 3 revealed');

    await pane.reveal();
    await pane.refreshPartCount();
    expect(reveal.disabled).toBe(true);
    expect(reveal.textContent).toBe('All parts revealed');
    expect(info.textContent).toBe('Part 3 of 3 revealed');

    pane.readOnly = true;
    expect(
      pane.node.querySelector<HTMLButtonElement>(
        '.jp-DevInterview-changeQuestion'
      )!.disabled
    ).toBe(true);
  });

  it('offers interviewers "Choose a question…" and shows a failure', async () => {
    let asked = 0;
    attach({
      partCount: async () => null,
      revealNextPart: async () => undefined,
      chooseQuestion: async () => {
        asked++;
        throw new Error('session is terminated');
      }
    });
    await pane.rendered;
    const choose = pane.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-chooseQuestion'
    )!;
    expect(choose.textContent).toBe('Choose a question…');
    choose.click();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(asked).toBe(1);
    const error = pane.node.querySelector<HTMLElement>(
      '.jp-DevInterview-promptError'
    )!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('session is terminated');
    expect(
      pane.node.querySelector<HTMLElement>('.jp-DevInterview-revealPart')!
        .hidden
    ).toBe(true);
  });
});
