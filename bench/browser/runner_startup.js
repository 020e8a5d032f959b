// Start-up and run latency of the in-browser Python runner, in headless
// Chromium (Playwright from ui-tests/). Called by bench/runner.py with a JSON
// argument; prints one JSON object. Not a test: it only measures.
//
// Candidate: link → lobby → Join → interview shown → Python ready, on a first
// visit (fresh browser profile: cold HTTP cache, no interpreter snapshot kept)
// and again (reload: warm cache, the browser's own snapshot), with the bytes
// the first visit downloaded. Interviewer: JupyterLab loaded → the interview
// opened → Python ready, cold and warm. Baseline: plain Pyodide in a bare page.
const path = require('path');
const { chromium } = require(
  path.join(__dirname, '..', '..', 'ui-tests', 'node_modules', 'playwright')
);

const READY = '.jp-DevInterview-runArea[data-runner="ready"]';
const CANDIDATE = '#devinterview-candidate-interview';
const SHOWN = `${CANDIDATE} .jp-DevInterview-connection[data-state="connected"]`;
const LOBBY = '.jp-DevInterview-lobby';
const JOIN = 'button.jp-DevInterview-lobbyJoin';
const NAME = 'input.jp-DevInterview-lobbyName';
// Pyodide's own files and the package's interpreter snapshot.
const PYTHON_FILES = '/static/pyodide/';

/**
 * Bytes the context downloads (encoded body + headers), split into Python's
 * own files and everything else, counted from `reset()` on.
 */
function watchTransfer(context) {
  let pending = [];
  let totals = { page: 0, python: 0, requests: 0 };
  context.on('requestfinished', request => {
    pending.push(
      request
        .sizes()
        .then(sizes => {
          const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
          const url = new URL(request.url());
          totals.requests++;
          if (url.pathname.includes(PYTHON_FILES)) {
            totals.python += bytes;
          } else {
            totals.page += bytes;
          }
        })
        .catch(() => undefined)
    );
  });
  return {
    async read() {
      await Promise.all(pending);
      return { ...totals };
    }
  };
}

/**
 * Where Python started from (this browser's snapshot, the package's, fresh),
 * as the sandbox frame says.
 */
async function startedFrom(page) {
  return page.evaluate(() => {
    const frames = document.querySelectorAll(
      'iframe.jp-DevInterview-sandbox[data-started-from]'
    );
    return frames.length ? frames[frames.length - 1].dataset.startedFrom : null;
  });
}

/**
 * One candidate visit (`go` loads the page): through the lobby if there is
 * one (Join as soon as it can be pressed), to Python ready.
 */
async function candidateVisit(page, go) {
  const t0 = Date.now();
  await go();
  const first = page.locator(LOBBY).or(page.locator(SHOWN)).first();
  await first.waitFor({ timeout: 120000 });
  let lobbyShown = null;
  if (await page.locator(LOBBY).isVisible()) {
    lobbyShown = Date.now() - t0;
    const name = page.locator(NAME);
    if ((await name.count()) && !(await name.inputValue())) {
      await name.fill('Bench Candidate');
    }
    await page.locator(JOIN).click({ timeout: 60000 });
  }
  await page.waitForSelector(SHOWN, { timeout: 120000 });
  const shown = Date.now() - t0;
  await page.waitForSelector(`${CANDIDATE} ${READY}`, { timeout: 180000 });
  const ready = Date.now() - t0;
  return {
    linkToReady: ready,
    lobbyToReady: lobbyShown === null ? null : ready - lobbyShown,
    lobbyShown,
    panelToReady: ready - shown,
    startedFrom: await startedFrom(page)
  };
}

async function snapshotStored(page) {
  // "Warm" means the browser holds what the first visit left behind: wait
  // until the interpreter snapshot is in IndexedDB (written after "ready").
  const t0 = Date.now();
  await page.waitForFunction(
    () =>
      new Promise(resolve => {
        const request = indexedDB.open('devinterview-python', 1);
        request.onerror = () => resolve(false);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('snapshots')) {
            db.close();
            return resolve(false);
          }
          const count = db
            .transaction('snapshots')
            .objectStore('snapshots')
            .count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result > 0);
          };
          count.onerror = () => resolve(false);
        };
      }),
    undefined,
    { timeout: 60000, polling: 100 }
  );
  return Date.now() - t0;
}

async function runLatency(page, runs) {
  // Measured inside the page: click on Run → the run shows "finished" with
  // its output (through the room's run log), seen by a MutationObserver.
  const samples = [];
  const durations = [];
  for (let i = 0; i < runs; i++) {
    const [ms, status] = await page.evaluate(
      () =>
        new Promise(resolve => {
          const area = document.querySelector('.jp-DevInterview-runArea');
          const before = area.querySelectorAll('.jp-DevInterview-run').length;
          const t0 = performance.now();
          const check = () => {
            const run = area.querySelectorAll('.jp-DevInterview-run')[before];
            if (
              run &&
              run.dataset.status === 'ok' &&
              run.querySelector('.jp-mod-stdout')
            ) {
              observer.disconnect();
              resolve([
                performance.now() - t0,
                run.querySelector('.jp-DevInterview-runStatus').textContent
              ]);
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(area, {
            subtree: true,
            childList: true,
            attributes: true,
            characterData: true
          });
          area.querySelector('.jp-DevInterview-runButton').click();
        })
    );
    samples.push(ms);
    const seconds = /([\d.]+) s/.exec(status || '');
    if (seconds) {
      durations.push(Number(seconds[1]) * 1000);
    }
    await page.waitForTimeout(50);
  }
  return { clickToOutput: samples, inWorker: durations };
}

/**
 * The interviewer: JupyterLab loads (a workspace of its own, reset), the
 * DevInterview dashboard opens as it would from the launcher, then the
 * interview opens at once; opened → Python ready in its run area.
 */
async function interviewerVisit(page, labUrl, sessionId) {
  await page.goto(labUrl);
  await page.waitForFunction(
    () => window.jupyterapp?.started !== undefined,
    undefined,
    { timeout: 120000 }
  );
  await page.evaluate(() => window.jupyterapp.restored);
  await page.evaluate(() =>
    window.jupyterapp.commands
      .execute('devinterview:open-dashboard')
      .catch(() => undefined)
  );
  const t0 = Date.now();
  await page.evaluate(
    id =>
      window.jupyterapp.commands.execute('devinterview:open-interview', {
        sessionId: id
      }),
    sessionId
  );
  const panel = `#devinterview-interview-${sessionId}`;
  await page.waitForSelector(
    `${panel} .jp-DevInterview-connection[data-state="connected"]`,
    { timeout: 120000 }
  );
  const shown = Date.now() - t0;
  await page.waitForSelector(`${panel} ${READY}`, { timeout: 180000 });
  const ready = Date.now() - t0;
  return {
    openedToReady: ready,
    panelToReady: ready - shown,
    startedFrom: await startedFrom(page)
  };
}

async function plainPyodide(context, pageUrl, pyodideUrl) {
  // Baseline: nothing of ours, Pyodide alone loaded in a module worker of a
  // bare page, from the same files.
  const page = await context.newPage();
  await page.goto(pageUrl);
  const ms = await page.evaluate(async base => {
    const source = `self.onmessage = async e => {
      const m = await import(e.data + 'pyodide.mjs');
      await m.loadPyodide({ indexURL: e.data });
      postMessage('ready');
    };`;
    const url = URL.createObjectURL(
      new Blob([source], { type: 'text/javascript' })
    );
    const t0 = performance.now();
    const worker = new Worker(url, { type: 'module' });
    await new Promise(resolve => {
      worker.onmessage = resolve;
      worker.postMessage(base);
    });
    worker.terminate();
    return performance.now() - t0;
  }, pyodideUrl);
  await page.close();
  return ms;
}

(async () => {
  const args = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run'
    ]
  });
  const out = {
    cold: [],
    coldWithoutPackageSnapshot: [],
    warm: [],
    transfer: [],
    labCold: [],
    labWarm: [],
    plainCold: [],
    plainWarm: [],
    run: null
  };
  try {
    for (let round = 0; round < args.rounds; round++) {
      const plain = await browser.newContext();
      out.plainCold.push(
        await plainPyodide(plain, args.pageUrl, args.pyodideUrl)
      );
      out.plainWarm.push(
        await plainPyodide(plain, args.pageUrl, args.pyodideUrl)
      );
      await plain.close();

      const context = await browser.newContext();
      const transfer = watchTransfer(context);
      const page = await context.newPage();
      const url = args.urls[round];
      out.cold.push(await candidateVisit(page, () => page.goto(url)));
      out.transfer.push(await transfer.read());
      const stored = await snapshotStored(page);
      const warm = await candidateVisit(page, () => page.reload());
      out.warm.push({ ...warm, snapshotStoredAfterReady: stored });
      if (round === args.rounds - 1) {
        await page.locator('.cm-content').click();
        await page.keyboard.type('print(1)');
        out.run = await runLatency(page, args.runs);
      }
      await context.close();

      // The same first visit with the package's snapshot withheld: Python
      // starts the long way, as it did before there was one.
      const withheld = await browser.newContext();
      await withheld.route('**/pyodide/snapshot.bin.gz', route =>
        route.abort()
      );
      const withheldPage = await withheld.newPage();
      const freshUrl = args.freshUrls[round];
      out.coldWithoutPackageSnapshot.push(
        await candidateVisit(withheldPage, () => withheldPage.goto(freshUrl))
      );
      await withheld.close();

      const lab = await browser.newContext();
      const labPage = await lab.newPage();
      const labUrl = `${args.labUrl}&round=${round}`;
      out.labCold.push(
        await interviewerVisit(labPage, labUrl, args.sessions[round])
      );
      await snapshotStored(labPage);
      out.labWarm.push(
        await interviewerVisit(labPage, labUrl, args.sessions[round])
      );
      await lab.close();
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch(error => {
  console.error(error);
  process.exit(1);
});
