// Merged after @jupyter/builder's own rules (package.json `jupyterlab.webpackConfig`).
const path = require('path');
const { rspack } = require('@rspack/core');

const pyodideDir = path.dirname(require.resolve('pyodide/package.json'));

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
