// Start-up and run latency of the in-browser Python runner, in headless
// Chromium (Playwright from ui-tests/). Called by bench/runner.py with a JSON
// argument; prints one JSON object. Not a test: it only measures.
const path = require('path');
const { chromium } = require(
  path.join(__dirname, '..', '..', 'ui-tests', 'node_modules', 'playwright')
);

const READY = '.jp-DevInterview-runArea[data-runner="ready"]';
const SHOWN =
  '#devinterview-candidate-interview .jp-DevInterview-connection[data-state="connected"]';

async function openInterview(context, url) {
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector(SHOWN, { timeout: 120000 });
  const shown = Date.now() - t0;
  await page.waitForSelector(READY, { timeout: 180000 });
  return {
    page,
    linkToReady: Date.now() - t0,
    panelToReady: Date.now() - t0 - shown
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

async function reopen(page) {
  // Same context: the HTTP cache and compiled-code cache are warm.
  const stored = await snapshotStored(page);
  const t0 = Date.now();
  await page.reload();
  await page.waitForSelector(SHOWN, { timeout: 120000 });
  const shown = Date.now() - t0;
  await page.waitForSelector(READY, { timeout: 180000 });
  return {
    linkToReady: Date.now() - t0,
    panelToReady: Date.now() - t0 - shown,
    snapshotStoredAfterReady: stored
  };
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
  const out = { cold: [], warm: [], plainCold: [], plainWarm: [], run: null };
  try {
    for (let round = 0; round < args.rounds; round++) {
      const context = await browser.newContext();
      const plain = await browser.newContext();
      out.plainCold.push(
        await plainPyodide(plain, args.pageUrl, args.pyodideUrl)
      );
      out.plainWarm.push(
        await plainPyodide(plain, args.pageUrl, args.pyodideUrl)
      );
      await plain.close();
      const { page, ...cold } = await openInterview(context, args.urls[round]);
      out.cold.push(cold);
      out.warm.push(await reopen(page));
      if (round === args.rounds - 1) {
        await page.locator('.cm-content').click();
        await page.keyboard.type('print(1)');
        out.run = await runLatency(page, args.runs);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch(error => {
  console.error(error);
  process.exit(1);
});
