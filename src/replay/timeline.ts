import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IReplayMarker, IReplayTimeline, MarkerKind } from './model';
import { MARKER_KINDS, formatClock } from './model';

/**
 * The translated name of a marker kind (the raw kind for one this page does
 * not know).
 */
export function markerKindLabel(
  kind: MarkerKind | string,
  trans: TranslationBundle
): string {
  switch (kind) {
    case 'start':
      return trans.__('Start');
    case 'run':
      return trans.__('Run');
    case 'test_run':
      return trans.__('Test run');
    case 'language':
      return trans.__('Language change');
    case 'reveal':
      return trans.__('Question part revealed');
    case 'terminate':
      return trans.__('Interview ended');
    case 'paste':
      return trans.__('Large paste');
    case 'hidden':
      return trans.__('Page hidden');
    case 'unfocused':
      return trans.__('Page unfocused');
    default:
      return kind;
  }
}

/**
 * The accessible description of a marker: kind, time and the server's label.
 */
export function markerDescription(
  marker: IReplayMarker,
  trans: TranslationBundle
): string {
  const kind = markerKindLabel(marker.kind, trans);
  // The server's label often starts with the kind already ("Run by …").
  const label = marker.label.trim();
  const text = !label
    ? kind
    : label.toLowerCase().startsWith(kind.toLowerCase())
      ? label
      : `${kind}: ${label}`;
  const detail = marker.detail ? ` (${marker.detail})` : '';
  return trans.__('%1 at %2', `${text}${detail}`, formatClock(marker.at_ms));
}

/**
 * The timeline of the replay: a range slider over the steps, with a button
 * per marker above it (colour-coded by kind through CSS variables, each with
 * a label and a tooltip, reachable with Tab), the time of the playhead and a
 * legend of the kinds present. It says where the user wants to go
 * (`seekRequested`); the panel decides.
 */
export class ReplayTimeline extends Widget {
  constructor(options: { trans: TranslationBundle }) {
    super();
    this._trans = options.trans;
    const trans = this._trans;
    this.addClass('jp-DevInterview-replayTimeline');

    this._markersNode = document.createElement('div');
    this._markersNode.className = 'jp-DevInterview-replayMarkers';
    this._markersNode.setAttribute('role', 'group');
    this._markersNode.setAttribute('aria-label', trans.__('Timeline markers'));

    this._slider = document.createElement('input');
    this._slider.type = 'range';
    this._slider.className = 'jp-DevInterview-replaySlider';
    this._slider.min = '0';
    this._slider.step = '1';
    this._slider.setAttribute('aria-label', trans.__('Replay position'));
    this._slider.addEventListener('input', () => {
      this._seekRequested.emit(Number(this._slider.value));
    });

    this._clockNode = document.createElement('span');
    this._clockNode.className = 'jp-DevInterview-replayClock';

    this._legend = document.createElement('ul');
    this._legend.className = 'jp-DevInterview-replayLegend';
    this._legend.setAttribute('aria-label', trans.__('Marker colours'));

    const track = document.createElement('div');
    track.className = 'jp-DevInterview-replayTrack';
    track.append(this._markersNode, this._slider);
    const row = document.createElement('div');
    row.className = 'jp-DevInterview-replayTrackRow';
    row.append(track, this._clockNode);
    this.node.append(row, this._legend);
    this.setTimeline(null);
  }

  /**
   * Emitted with the step the user picked (slider or marker).
   */
  get seekRequested(): ISignal<this, number> {
    return this._seekRequested;
  }

  /**
   * The slider.
   */
  get slider(): HTMLInputElement {
    return this._slider;
  }

  /**
   * The marker buttons, in timeline order.
   */
  get markerButtons(): HTMLButtonElement[] {
    return [...this._markersNode.querySelectorAll<HTMLButtonElement>('button')];
  }

  /**
   * Show a timeline (null: none yet).
   */
  setTimeline(timeline: IReplayTimeline | null): void {
    this._timeline = timeline;
    const steps = timeline?.steps ?? 0;
    this._slider.max = String(Math.max(0, steps - 1));
    this._slider.disabled = steps === 0;
    this._renderMarkers();
    this._renderLegend();
    this.setPosition(Math.max(0, Math.min(this._step, steps - 1)), null);
  }

  /**
   * Move the slider to a step; `positionMs` is the replay time shown (null:
   * the step's own time).
   */
  setPosition(step: number, positionMs: number | null): void {
    const trans = this._trans;
    const timeline = this._timeline;
    this._step = step;
    const steps = timeline?.steps ?? 0;
    const duration = timeline?.duration_ms ?? 0;
    const ms =
      positionMs ?? (steps > 0 && step >= 0 ? timeline!.times[step] : 0);
    this._slider.value = String(Math.max(0, step));
    const clock = `${formatClock(ms)} / ${formatClock(duration)}`;
    this._clockNode.textContent = clock;
    this._slider.setAttribute(
      'aria-valuetext',
      steps === 0
        ? trans.__('Nothing recorded yet')
        : trans.__(
            '%1 of %2, step %3 of %4',
            formatClock(ms),
            formatClock(duration),
            step + 1,
            steps
          )
    );
    for (const button of this.markerButtons) {
      button.classList.toggle(
        'jp-mod-current',
        Number(button.dataset.step) === step
      );
    }
  }

  private _renderMarkers(): void {
    const timeline = this._timeline;
    this._markersNode.replaceChildren();
    if (!timeline || timeline.steps === 0) {
      return;
    }
    const last = Math.max(1, timeline.steps - 1);
    for (const marker of timeline.markers) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jp-DevInterview-replayMarker';
      button.dataset.kind = marker.kind;
      button.dataset.step = String(marker.step);
      const description = markerDescription(marker, this._trans);
      button.title = description;
      button.setAttribute('aria-label', description);
      button.style.setProperty(
        '--jp-devinterview-marker-position',
        `${(marker.step / last) * 100}%`
      );
      button.addEventListener('click', () => {
        this._seekRequested.emit(marker.step);
      });
      this._markersNode.append(button);
    }
  }

  private _renderLegend(): void {
    const kinds = new Set(this._timeline?.markers.map(m => m.kind) ?? []);
    this._legend.replaceChildren();
    const ordered = [
      ...MARKER_KINDS.filter(kind => kinds.has(kind)),
      ...[...kinds].filter(kind => !MARKER_KINDS.includes(kind))
    ];
    for (const kind of ordered) {
      const item = document.createElement('li');
      item.className = 'jp-DevInterview-replayLegendItem';
      item.dataset.kind = kind;
      item.textContent = markerKindLabel(kind, this._trans);
      this._legend.append(item);
    }
    this._legend.hidden = ordered.length === 0;
  }

  private _trans: TranslationBundle;
  private _timeline: IReplayTimeline | null = null;
  private _step = 0;
  private _slider: HTMLInputElement;
  private _markersNode: HTMLDivElement;
  private _clockNode: HTMLSpanElement;
  private _legend: HTMLUListElement;
  private _seekRequested = new Signal<this, number>(this);
}
