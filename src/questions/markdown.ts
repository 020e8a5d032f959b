import { Sanitizer } from '@jupyterlab/apputils';
import type { IRenderMime, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import {
  MimeModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';

/**
 * Elements that would load something from another place as soon as they are
 * parsed into the page (or embed another page): a prompt needs none of them.
 */
const ALWAYS_REMOVED =
  'iframe, frame, frameset, embed, object, applet, link, meta, base, style, script, portal';

/**
 * Elements kept when what they load is same-origin or inline (`data:`).
 */
const LOADING = 'img, video, audio, source, track, input, image, use, feImage';

/**
 * Attributes holding a URL the browser fetches by itself.
 */
const URL_ATTRIBUTES = [
  'src',
  'href',
  'xlink:href',
  'poster',
  'data',
  'background'
];

/**
 * Whether a URL loads nothing from another origin: inline data, or this page's
 * own origin. Anything unparsable counts as external.
 */
export function isSameOriginOrData(
  value: string,
  base: string = document.baseURI
): boolean {
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'data:' || url.origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * Remove from a rendered prompt everything that would make the browser load
 * something from another origin (the candidate's browser must not reach out:
 * a tracking pixel in a question would tell a third party who is interviewing),
 * and make links open in a new tab without a referrer.
 *
 * An external image becomes its alt text, so the prompt still reads.
 */
export function stripExternalResources(
  root: ParentNode,
  base: string = document.baseURI,
  trans: TranslationBundle = nullTranslator.load('devinterview_jupyter')
): void {
  const doc = (root as Node).ownerDocument ?? document;
  for (const node of Array.from(root.querySelectorAll(ALWAYS_REMOVED))) {
    node.remove();
  }
  for (const node of Array.from(root.querySelectorAll(LOADING))) {
    // A responsive image list is rarely needed and hard to check: drop it.
    node.removeAttribute('srcset');
    const external = URL_ATTRIBUTES.some(name => {
      const value = node.getAttribute(name);
      return value !== null && !isSameOriginOrData(value, base);
    });
    if (!external) {
      continue;
    }
    if (node.localName === 'img') {
      const alt = node.getAttribute('alt') ?? '';
      const placeholder = doc.createElement('span');
      placeholder.className = 'jp-DevInterview-blockedImage';
      placeholder.textContent = alt ? `[${alt}]` : trans.__('[image]');
      placeholder.title = trans.__('Images from other sites are not loaded');
      node.replaceWith(placeholder);
    } else {
      node.remove();
    }
  }
  for (const node of Array.from(root.querySelectorAll('[style]'))) {
    // `background-image: url(…)` and friends load as well.
    if (/url\s*\(|image-set\s*\(|@import/i.test(node.getAttribute('style')!)) {
      node.removeAttribute('style');
    }
  }
  for (const node of Array.from(
    root.querySelectorAll('[ping], [data-commandlinker-command]')
  )) {
    // A prompt must not report clicks, nor run JupyterLab commands.
    node.removeAttribute('ping');
    node.removeAttribute('data-commandlinker-command');
    node.removeAttribute('data-commandlinker-args');
  }
  for (const link of Array.from(root.querySelectorAll('a[href]'))) {
    const href = link.getAttribute('href')!;
    if (href.startsWith('#')) {
      continue; // a heading of the prompt itself
    }
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
    // JupyterLab rewrites `rel` of external links after rendering; this stays.
    link.setAttribute('referrerpolicy', 'no-referrer');
  }
}

/**
 * A sanitizer that does what `base` does, then strips external resources,
 * before the HTML reaches the page: an `<img>` starts loading the moment it is
 * parsed into the page, so removing it afterwards would be too late. The
 * stripping works on an inert document (`DOMParser`), which loads nothing.
 */
export function externalFreeSanitizer(
  base: IRenderMime.ISanitizer,
  trans?: TranslationBundle
): IRenderMime.ISanitizer {
  return {
    get allowNamedProperties() {
      return base.allowNamedProperties;
    },
    allowCommandLinker: false, // and `stripExternalResources` removes them
    getAutolink: base.getAutolink ? () => base.getAutolink!() : undefined,
    sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
      const clean = base.sanitize(dirty, options);
      const inert = new DOMParser().parseFromString(
        `<body>${clean}</body>`,
        'text/html'
      );
      stripExternalResources(inert.body, document.baseURI, trans);
      return inert.body.innerHTML;
    }
  };
}

/**
 * A rendermime registry for prompts: the application's (its Markdown parser,
 * math typesetter and sanitizer) when there is one, else a standard one; in
 * both cases with the external-free sanitizer.
 */
export function promptRenderMime(
  rendermime: IRenderMimeRegistry | null,
  trans?: TranslationBundle
): IRenderMimeRegistry {
  const registry =
    rendermime ??
    new RenderMimeRegistry({
      initialFactories: standardRendererFactories,
      sanitizer: new Sanitizer()
    });
  return registry.clone({
    sanitizer: externalFreeSanitizer(registry.sanitizer, trans)
  });
}

/**
 * Render untrusted Markdown (a question's prompt) into a renderer widget:
 * sanitized, no scripts, nothing loaded from another origin.
 */
export async function renderPromptMarkdown(
  rendermime: IRenderMimeRegistry,
  source: string
): Promise<IRenderMime.IRenderer> {
  const renderer = rendermime.createRenderer('text/markdown');
  renderer.addClass('jp-DevInterview-markdown');
  await renderer.renderModel(
    new MimeModel({ data: { 'text/markdown': source }, trusted: false })
  );
  // The renderer hardens links after the sanitizer (and the typesetter may
  // add nodes): check once more in the page.
  stripExternalResources(renderer.node);
  return renderer;
}
