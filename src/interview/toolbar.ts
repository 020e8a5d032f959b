import type { MainAreaWidget } from '@jupyterlab/apputils';
import { Dialog, showDialog, Toolbar } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { TimerAction } from '../api/types';
import { formatLanguage } from '../dashboard/format';
import { LANGUAGES, isLanguage } from '../model/language';
import type { InterviewPanel } from './panel';
import { addConnectionState } from './connection';
import { TimerDisplay } from './timer';

/**
 * Fill the toolbar of an interview: language picker, shared timer with its
 * controls, connection state and Terminate.
 */
export function populateInterviewToolbar(
  widget: MainAreaWidget<InterviewPanel>,
  trans: TranslationBundle,
  options: { warningMinutes: number }
): TimerDisplay {
  const panel = widget.content;
  const toolbar = widget.toolbar;

  // Language: the server owns `meta.language`, so the picker asks it (PATCH).
  const select = document.createElement('select');
  select.className = 'jp-DevInterview-language';
  select.setAttribute('aria-label', trans.__('Language'));
  for (const language of LANGUAGES) {
    const option = document.createElement('option');
    option.value = language;
    option.textContent = formatLanguage(language);
    select.appendChild(option);
  }
  select.addEventListener('change', () => {
    const value = select.value;
    if (isLanguage(value) && value !== panel.language) {
      select.disabled = true;
      void panel.setLanguage(value).finally(() => sync());
    }
  });
  toolbar.addItem('language', new Widget({ node: wrap(select) }));

  const timer = new TimerDisplay({
    trans,
    warningMinutes: options.warningMinutes
  });
  timer.setSource(panel.room.timer, panel.clock);
  toolbar.addItem('timer', timer);

  const button = (action: TimerAction, label: string, title: string) => {
    const node = document.createElement('button');
    node.type = 'button';
    node.className = 'jp-DevInterview-toolbarButton';
    node.dataset.action = action;
    // "Start" always shows; " timer" only where the toolbar has room (a
    // narrow interview hides it, style/layout.css). The name stays whole.
    const [first, ...rest] = label.split(' ');
    const wide = document.createElement('span');
    wide.className = 'jp-DevInterview-wideOnly';
    wide.textContent = rest.length ? ` ${rest.join(' ')}` : '';
    node.append(first, wide);
    node.setAttribute('aria-label', label);
    node.title = title;
    node.addEventListener('click', () => {
      void panel.timerAction(action);
    });
    return node;
  };
  // "Timer" in every label: the interview itself is started and ended from
  // the dashboard ("Start interview", "End interview"); these only count time.
  const start = button(
    'start',
    trans.__('Start timer'),
    trans.__('Start the shared timer (the interview itself is already open)')
  );
  const pause = button(
    'pause',
    trans.__('Pause timer'),
    trans.__('Pause the shared timer')
  );
  const reset = button(
    'reset',
    trans.__('Reset timer'),
    trans.__('Set the shared timer back to zero')
  );
  const controls = document.createElement('span');
  controls.className = 'jp-DevInterview-timerControls';
  controls.setAttribute('role', 'group');
  controls.setAttribute('aria-label', trans.__('Timer'));
  controls.append(start, pause, reset);
  toolbar.addItem('timer-controls', new Widget({ node: controls }));

  toolbar.addItem('spacer', Toolbar.createSpacerItem());

  addConnectionState(toolbar, panel, trans, trans.__('Session deleted'));

  const terminate = document.createElement('button');
  terminate.type = 'button';
  terminate.className =
    'jp-DevInterview-toolbarButton jp-DevInterview-terminateButton';
  terminate.textContent = trans.__('End interview');
  terminate.title = trans.__('End the interview for everyone');
  terminate.addEventListener('click', async () => {
    const result = await showDialog({
      title: trans.__('End the interview?'),
      body: trans.__(
        'The interview ends for everyone, its duration is stored and the room becomes read-only.'
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('End interview') })
      ]
    });
    if (result.button.accept) {
      await panel.terminate();
    }
  });
  toolbar.addItem('terminate', new Widget({ node: terminate }));

  const sync = () => {
    const readOnly = panel.readOnly;
    select.value = panel.language;
    select.disabled = readOnly;
    for (const node of [start, pause, reset, terminate]) {
      node.disabled = readOnly;
    }
    const running = panel.room.timer.get('running') === true;
    start.hidden = running;
    pause.hidden = !running;
  };
  panel.metaChanged.connect(sync);
  panel.room.timer.observe(sync);
  panel.disposed.connect(() => panel.room.timer.unobserve(sync));
  sync();
  return timer;
}

function wrap(node: HTMLElement): HTMLElement {
  const span = document.createElement('span');
  span.className = 'jp-DevInterview-toolbarItem';
  span.appendChild(node);
  return span;
}
