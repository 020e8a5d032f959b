import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

import type { IReportNotebook } from './api';

/**
 * Longest title part of a report's file name.
 */
const MAX_TITLE_LENGTH = 80;

/**
 * How many numbered names are tried before giving up.
 */
const MAX_NAME_ATTEMPTS = 100;

/**
 * A session title made safe as a file name: no folder separators, no
 * characters Windows or the contents API refuse, no control characters, no
 * leading dot (a hidden file), whitespace collapsed, at most 80 characters.
 */
export function safeTitle(title: string): string {
  const safe = title
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim()
    .slice(0, MAX_TITLE_LENGTH)
    .trim();
  return safe || 'Interview';
}

/**
 * The file name of a session's report in JupyterLab: `<safe title>
 * report.ipynb`, then `<safe title> report (2).ipynb`, ... for the n-th try.
 */
export function reportFileName(title: string, attempt = 1): string {
  const stem = `${safeTitle(title)} report`;
  return attempt <= 1 ? `${stem}.ipynb` : `${stem} (${attempt}).ipynb`;
}

/**
 * The name a downloaded report gets: the server's, else one made from the title.
 */
export function downloadFileName(
  report: IReportNotebook,
  title: string
): string {
  const metadata = report.notebook.metadata as
    { devinterview?: { filename?: unknown } } | undefined;
  const fromMetadata = metadata?.devinterview?.filename;
  const name =
    report.filename ??
    (typeof fromMetadata === 'string' ? fromMetadata : null) ??
    reportFileName(title);
  const base = name.split(/[\\/]/).pop() || reportFileName(title);
  return base.endsWith('.ipynb') ? base : `${base}.ipynb`;
}

/**
 * Hand a report to the browser as a download, through a temporary link to a
 * blob (the request carried JupyterLab's credentials; a plain link to the
 * endpoint would not, with token authentication).
 */
export function downloadReport(
  report: IReportNotebook,
  filename: string
): void {
  const blob = new Blob([report.text], { type: 'application/x-ipynb+json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Some browsers read the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Whether `path` exists for the contents manager.
 */
async function exists(
  contents: Contents.IManager,
  path: string
): Promise<boolean> {
  try {
    await contents.get(path, { content: false });
    return true;
  } catch (error) {
    const status = (error as { response?: { status?: number } })?.response
      ?.status;
    if (status === 404) {
      return false;
    }
    throw error;
  }
}

/**
 * Save a report as a notebook in `folder` under the first free name
 * (`reportFileName`): an existing file is never overwritten. Resolves with
 * the path saved.
 */
export async function saveReport(
  contents: Contents.IManager,
  folder: string,
  title: string,
  report: IReportNotebook
): Promise<string> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const path = PathExt.join(folder, reportFileName(title, attempt));
    if (await exists(contents, path)) {
      continue;
    }
    const model = await contents.save(path, {
      type: 'notebook',
      format: 'json',
      content: report.notebook
    });
    return model.path;
  }
  throw new Error(
    `There are already ${MAX_NAME_ATTEMPTS} reports of "${title}" in this folder.`
  );
}
