import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';

import type { IWhiteboardFactory } from '../tokens';
import type { IReplayState, IReplayTimeline } from './model';
import type { IPlayerClock, Speed } from './player';
import { ReplayPlayer, SPEEDS, isSpeed } from './player';
import { StateLoader } from './loader';
import { ReplayTimeline } from './timeline';
import { ReplayView } from './view';

/**
 * Where the replay gets its data (a `ReplayClient`, or a fake in tests).
 */
export interface IReplaySource {
  timeline(sessionId: string): Promise<IReplayTimeline>;
  state(
    sessionId: string,
    step: number,
    signal?: AbortSignal
  ): Promise<IReplayState>;
}

/**
 * The replay of one session: player controls (play/pause, speed,
 * previous/next marker, reload), the timeline and the view of the step
 * shown. States are loaded as the playhead moves, debounced, latest first.
 */
export class ReplayPanel extends Panel {
  constructor(options: ReplayPanel.IOptions) {
    super();
    this.sessionId = options.sessionId;
    this.sessionTitle = options.sessionTitle;
    this._source = options.source;
    this._trans = options.trans;
    this._clock = options.clock;
    const trans = this._trans;
    this.addClass('jp-DevInterview-replay');
    this.node.dataset.sessionId = options.sessionId;

    this.loader = new StateLoader<IReplayState>({
      fetch: (step, signal) => this._source.state(this.sessionId, step, signal),
      clock: options.clock,
      debounceMs: options.debounceMs,
      maxWaitMs: options.maxWaitMs
    });
    this.loader.loaded.connect(this._onLoaded, this);
    this.loader.failed.connect(this._onFailed, this);
    this.loader.busyChanged.connect(this._updateBusy, this);

    const controls = new Widget();
    controls.addClass('jp-DevInterview-replayControls');
    controls.node.setAttribute('role', 'toolbar');
    controls.node.setAttribute('aria-label', trans.__('Replay controls'));
    this._previousButton = controlButton(
      'previous-marker',
      trans.__('Previous marker'),
      trans.__('Go to the previous marker')
    );
    this._previousButton.addEventListener('click', () =>
      this.player?.previousMarker()
    );
    this._playButton = controlButton(
      'play',
      trans.__('Play'),
      trans.__('Play the interview')
    );
    this._playButton.classList.add('jp-mod-accept');
    this._playButton.addEventListener('click', () => this.player?.toggle());
    this._nextButton = controlButton(
      'next-marker',
      trans.__('Next marker'),
      trans.__('Go to the next marker')
    );
    this._nextButton.addEventListener('click', () => this.player?.nextMarker());
    this._speedSelect = document.createElement('select');
    this._speedSelect.className = 'jp-DevInterview-replaySpeed';
    this._speedSelect.setAttribute('aria-label', trans.__('Playback speed'));
    this._speedSelect.title = trans.__('Playback speed');
    for (const speed of SPEEDS) {
      const option = document.createElement('option');
      option.value = String(speed);
      option.textContent = trans.__('%1×', speed);
      this._speedSelect.append(option);
    }
    this._speedSelect.addEventListener('change', () => {
      const speed = Number(this._speedSelect.value);
      if (isSpeed(speed)) {
        this.speed = speed;
      }
    });
    this._reloadButton = controlButton(
      'reload',
      trans.__('Reload'),
      trans.__('Reload the timeline (a live interview goes on)')
    );
    this._reloadButton.addEventListener('click', () => void this.reload());
    this._statusNode = document.createElement('span');
    this._statusNode.className = 'jp-DevInterview-replayStatus';
    this._statusNode.setAttribute('role', 'status');
    controls.node.append(
      this._previousButton,
      this._playButton,
      this._nextButton,
      this._speedSelect,
      this._reloadButton,
      this._statusNode
    );

    this._errorLine = new Widget();
    this._errorLine.addClass('jp-DevInterview-error');
    this._errorLine.node.setAttribute('role', 'alert');
    this._errorLine.node.hidden = true;

    this.timeline = new ReplayTimeline({ trans });
    this.timeline.seekRequested.connect((_, step) => this.seek(step));

    this.view = new ReplayView({
      editorServices: options.editorServices,
      whiteboard: options.whiteboard ?? null,
      trans
    });

    this.addWidget(controls);
    this.addWidget(this.timeline);
    this.addWidget(this._errorLine);
    this.addWidget(this.view);
    this._updateControls();
    this.ready = this.reload();
  }

  readonly sessionId: string;
  readonly sessionTitle: string;
  readonly timeline: ReplayTimeline;
  readonly view: ReplayView;
  readonly loader: StateLoader<IReplayState>;

  /**
   * Resolves once the first timeline load ended (well or not).
   */
  readonly ready: Promise<void>;

  /**
   * The player (null until the timeline has loaded).
   */
  get player(): ReplayPlayer | null {
    return this._player;
  }

  /**
   * The timeline shown (null until loaded).
   */
  get timelineData(): IReplayTimeline | null {
    return this._timeline;
  }

  /**
   * Emitted with each state shown.
   */
  get stateShown(): ISignal<this, IReplayState> {
    return this._stateShown;
  }

  /**
   * The last error shown, or null.
   */
  get error(): string | null {
    return this._error;
  }

  get speed(): Speed {
    return this._player?.speed ?? this._speed;
  }
  set speed(value: Speed) {
    this._speed = value;
    this._speedSelect.value = String(value);
    if (this._player) {
      this._player.speed = value;
    }
  }

  /**
   * Show a step (what the slider and the markers do).
   */
  seek(step: number): void {
    this._player?.seek(step);
  }

  /**
   * Load (again) the timeline; the step shown stays where it was.
   */
  async reload(): Promise<void> {
    this._reloadButton.disabled = true;
    this._setStatus(this._trans.__('Loading the timeline…'));
    try {
      const timeline = await this._source.timeline(this.sessionId);
      if (this.isDisposed) {
        return;
      }
      this._timeline = timeline;
      this.loader.clearCache();
      this.timeline.setTimeline(timeline);
      if (!this._player) {
        this._player = new ReplayPlayer({
          times: timeline.times,
          markers: timeline.markers,
          clock: this._clock
        });
        this._player.speed = this._speed;
        this._player.stepChanged.connect(this._onStep, this);
        this._player.changed.connect(this._onPlayerChanged, this);
        if (this._player.step >= 0) {
          this._onStep(this._player, this._player.step);
        }
      } else {
        this._player.setTimeline(timeline.times, timeline.markers);
        if (this._player.step >= 0) {
          this.loader.requestNow(this._player.step);
        }
      }
      this._setError(null);
      this._setStatus(
        timeline.steps === 0
          ? this._trans.__('Nothing was recorded in this interview yet.')
          : ''
      );
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      this._setStatus('');
      this._setError(
        this._trans.__(
          'The replay could not be loaded: %1',
          error instanceof Error ? error.message : String(error)
        )
      );
    } finally {
      if (!this.isDisposed) {
        this._reloadButton.disabled = false;
        this._updateControls();
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._player?.dispose();
    this.loader.dispose();
    super.dispose();
  }

  private _onStep(player: ReplayPlayer, step: number): void {
    this.timeline.setPosition(step, player.playing ? player.positionMs : null);
    if (step < 0) {
      this.view.setState(null);
      return;
    }
    this.loader.request(step);
    this._updateControls();
  }

  private _onPlayerChanged(player: ReplayPlayer): void {
    this.timeline.setPosition(
      player.step,
      player.playing ? player.positionMs : null
    );
    this._updateControls();
  }

  private _onLoaded(_: StateLoader<IReplayState>, state: IReplayState): void {
    this.view.setState(state);
    this._setError(null);
    this._stateShown.emit(state);
  }

  private _onFailed(
    _: StateLoader<IReplayState>,
    failure: { step: number; error: unknown }
  ): void {
    const error = failure.error;
    this._setError(
      this._trans.__(
        'The moment at step %1 could not be loaded: %2',
        failure.step + 1,
        error instanceof Error ? error.message : String(error)
      )
    );
  }

  private _updateBusy(): void {
    this.node.toggleAttribute('aria-busy', this.loader.busy);
    this.view.node.dataset.busy = String(this.loader.busy);
  }

  private _updateControls(): void {
    const trans = this._trans;
    const player = this._player;
    const steps = player?.steps ?? 0;
    const playing = player?.playing ?? false;
    this._playButton.disabled = steps === 0;
    this._playButton.textContent = playing
      ? trans.__('Pause')
      : trans.__('Play');
    this._playButton.title = playing
      ? trans.__('Pause the replay')
      : trans.__('Play the interview');
    this._playButton.dataset.action = playing ? 'pause' : 'play';
    const step = player?.step ?? -1;
    const markers = player?.markers ?? [];
    this._previousButton.disabled = !markers.some(m => m.step < step);
    this._nextButton.disabled = !markers.some(m => m.step > step);
    this._speedSelect.disabled = steps === 0;
    this.node.dataset.playing = String(playing);
  }

  private _setStatus(text: string): void {
    this._statusNode.textContent = text;
  }

  private _setError(message: string | null): void {
    this._error = message;
    this._errorLine.node.textContent = message ?? '';
    this._errorLine.node.hidden = message === null;
  }

  private _source: IReplaySource;
  private _trans: TranslationBundle;
  private _clock: IPlayerClock | undefined;
  private _player: ReplayPlayer | null = null;
  private _timeline: IReplayTimeline | null = null;
  private _speed: Speed = 1;
  private _error: string | null = null;
  private _playButton: HTMLButtonElement;
  private _previousButton: HTMLButtonElement;
  private _nextButton: HTMLButtonElement;
  private _reloadButton: HTMLButtonElement;
  private _speedSelect: HTMLSelectElement;
  private _statusNode: HTMLSpanElement;
  private _errorLine: Widget;
  private _stateShown = new Signal<this, IReplayState>(this);
}

/**
 * A namespace for `ReplayPanel` statics.
 */
export namespace ReplayPanel {
  export interface IOptions {
    sessionId: string;
    sessionTitle: string;
    source: IReplaySource;
    editorServices: IEditorServices;
    whiteboard?: IWhiteboardFactory | null;
    trans: TranslationBundle;
    /**
     * The clock of the player and the loader (tests pass a fake one).
     */
    clock?: IPlayerClock;
    debounceMs?: number;
    maxWaitMs?: number;
  }
}

function controlButton(
  action: string,
  label: string,
  title: string
): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'jp-mod-styled jp-DevInterview-replayButton';
  button.dataset.action = action;
  button.textContent = label;
  button.title = title;
  return button;
}
