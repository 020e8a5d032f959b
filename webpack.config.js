// Merged after @jupyter/builder's own rules (package.json `jupyterlab.webpackConfig`).
const path = require('path');
const { rspack } = require('@rspack/core');

const pyodideDir = path.dirname(require.resolve('pyodide/package.json'));

/**
 * Where the snapshot goes, beside Pyodide's files (the worker fetches it from
 * there: `PACKAGE_SNAPSHOT` in src/runner/startup.ts).
 */
const SNAPSHOT_ASSET = 'pyodide/snapshot.bin.gz';

/**
 * A memory snapshot of a fresh Python, made at build time in Node by
 * src/runner/snapshot.build.mjs, so that a first visit restores it instead of
 * starting CPython (see docs/runner.md, "Start-up"). Made once per build
 * process (a watch rebuild reuses it): it depends only on Pyodide's files.
 */
class PyodideSnapshotPlugin {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    let made = null;
    const make = () => {
      const { execFileSync } = require('child_process');
      const fs = require('fs');
      const os = require('os');
      const dir = fs.mkdtempSync(
        path.join(os.tmpdir(), 'devinterview-snapshot-')
      );
      const out = path.join(dir, 'snapshot.bin.gz');
      try {
        execFileSync(
          process.execPath,
          [
            path.join(__dirname, 'src', 'runner', 'snapshot.build.mjs'),
            pyodideDir,
            out
          ],
          // UTC: the build machine's zone must not matter (the worker resets
          // the zone after a restore anyway).
          {
            stdio: ['ignore', 'ignore', 'inherit'],
            env: { ...process.env, TZ: 'UTC' }
          }
        );
        return fs.readFileSync(out);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    compiler.hooks.thisCompilation.tap('PyodideSnapshotPlugin', compilation => {
      compilation.hooks.processAssets.tap(
        {
          name: 'PyodideSnapshotPlugin',
          stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL
        },
        () => {
          made ??= make();
          compilation.emitAsset(SNAPSHOT_ASSET, new RawSource(made));
        }
      );
    });
  }
}

/**
 * Pyodide's files that shrink under gzip (the WebAssembly to a third), and the
 * smallest file worth it; the rule of `gzip_siblings` in
 * devinterview_jupyter/candidate/site.py.
 */
const GZIPPED = /^pyodide\/[^/]+\.(?:wasm|mjs|js|json)$/;
const GZIP_MIN_BYTES = 1024;

/**
 * Writes `name.gz` beside each of Pyodide's compressible files: the server's
 * `devinterview/static/` route sends it to browsers that accept gzip
 * (candidate/handlers.py), so a first start downloads 3.5 MB of WebAssembly
 * instead of 9.6. Reproducible: Node's gzip header has no name and no time.
 */
class PyodideGzipPlugin {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    const zlib = require('zlib');
    // A watch rebuild reuses what it compressed (9.6 MB take a second or two).
    const made = new Map();
    compiler.hooks.thisCompilation.tap('PyodideGzipPlugin', compilation => {
      compilation.hooks.processAssets.tap(
        {
          name: 'PyodideGzipPlugin',
          // After the copy of Pyodide's files is in the compilation.
          stage:
            compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER
        },
        () => {
          for (const { name, source } of compilation.getAssets()) {
            if (!GZIPPED.test(name)) {
              continue;
            }
            const data = source.buffer();
            if (data.length < GZIP_MIN_BYTES) {
              continue;
            }
            let gzipped = made.get(name)?.input.equals(data)
              ? made.get(name).output
              : null;
            if (!gzipped) {
              gzipped = zlib.gzipSync(data, { level: 9 });
              made.set(name, { input: data, output: gzipped });
            }
            if (gzipped.length < data.length) {
              compilation.emitAsset(`${name}.gz`, new RawSource(gzipped));
            }
          }
        }
      );
    });
  }
}

module.exports = {
  module: {
    rules: [
      // tldraw's fonts, icon sprite and translations are referenced from
      // `@tldraw/assets/urls` as `new URL('./file', import.meta.url)`. The
      // builder turns every `.svg` imported from JavaScript into a string; for
      // these URL references we want files next to our bundle instead, so the
      // whiteboard never asks tldraw's CDN for anything. Later rules win on `type`.
      {
        dependency: 'url',
        include: /@tldraw[\\/]assets/,
        type: 'asset/resource',
        generator: { filename: 'tldraw/[name].[contenthash:12][ext]' }
      },
      // The Python worker is a self-contained ES module (Pyodide needs a
      // module worker; bundled workers are classic ones): ship it as a file.
      {
        test: /python\.worker\.js$/,
        dependency: 'url',
        type: 'asset/resource',
        generator: { filename: 'python-worker.[contenthash:12].js' }
      }
    ]
  },
  plugins: [
    new PyodideSnapshotPlugin(),
    new PyodideGzipPlugin(),
    // The Python runtime, served with our extension (the server's
    // `devinterview/static/` route, for JupyterLab and the candidate page
    // alike) so that running code never needs a CDN.
    new rspack.CopyRspackPlugin({
      patterns: [
        {
          from: pyodideDir,
          to: 'pyodide/',
          globOptions: {
            ignore: [
              '**/*.map',
              '**/*.d.ts',
              '**/*.html',
              '**/README.md',
              '**/package.json'
            ]
          }
        }
      ]
    })
  ]
};
