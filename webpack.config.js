// Merged after @jupyter/builder's own rules (package.json `jupyterlab.webpackConfig`).
//
// tldraw's fonts, icon sprite and translations are referenced from
// `@tldraw/assets/urls` as `new URL('./file', import.meta.url)`. The builder
// turns every `.svg` imported from JavaScript into a string; for these URL
// references we want files next to our bundle instead, so the whiteboard
// never asks tldraw's CDN for anything. Later rules win on `type`.
module.exports = {
  module: {
    rules: [
      {
        dependency: 'url',
        include: /@tldraw[\\/]assets/,
        type: 'asset/resource',
        generator: { filename: 'tldraw/[name].[contenthash:12][ext]' }
      }
    ]
  }
};
