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
    // The Python runtime, served with our extension (JupyterLab and the
    // candidate site alike) so that running code never needs a CDN.
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
