/** The report command's arguments, and which notebooks it runs in which order. */
import { commandSettings, UsageError } from '../../src/lib/commandLine';
import { redactSecrets } from '../../src/lib/experiment/queue/redact';
import { PROFILE_NAMES, ProfileName } from '../../src/lib/settings';

/** The notebook that summarizes the others; it runs last and becomes index.html. */
export const INDEX_NOTEBOOK = '00-index.ipynb';

export interface ReportArguments {
  profile: ProfileName;
  /** One notebook to run (with or without .ipynb), or undefined for all. */
  only?: string;
  /** Where the notebooks are. Default notebooks/; the e2e tests point it at test/fixtures/. */
  notebookFolder?: string;
  /** Where the pages go. Default out/report/ (scratch); reports/ only with `publish`. */
  reportFolder?: string;
  /** Replace the committed evidence in reports/; allowed only with the full profile. */
  publish?: boolean;
  /**
   * A job queue's redis:// URL: the notebooks' experiments send their missing runs to the workers
   * serving it (passed to the kernels as RELU_AE_QUEUE). Never print it: use redactUrl.
   */
  queue?: string;
  /**
   * Compute every run from scratch in an empty cache of its own, then compare each with the
   * published run of the same key and list every difference (the reproduction check).
   */
  recompute?: boolean;
  /** The run store imported into the cache before the build (default reports/runs); 'none' for none. */
  reuse?: string;
}

export const REPORT_USAGE = 'usage: npm run report -- [--profile quick|default|full] [--only NAME] [--notebooks DIR] [--reports DIR] [--publish] [--recompute] [--reuse DIR|none] [--queue redis://:PASSWORD@host:port]';
const USAGE = REPORT_USAGE;

/** Parses the command line after `node report.js`; throws a UsageError on anything it does not know. */
export function parseReportArguments(argv: ReadonlyArray<string>): ReportArguments {
  const parsed: ReportArguments = { profile: 'default' };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inlineValue] = argv[index].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined) throw new UsageError(`${flag} needs a value`, USAGE);
      return next;
    };
    if (flag === '--profile') {
      const profile = value();
      if (!(PROFILE_NAMES as ReadonlyArray<string>).includes(profile)) {
        throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}, not ${JSON.stringify(redactSecrets(profile))}`, USAGE);
      }
      parsed.profile = profile as ProfileName;
    } else if (flag === '--only') {
      parsed.only = value();
    } else if (flag === '--notebooks') {
      parsed.notebookFolder = value();
    } else if (flag === '--reports') {
      parsed.reportFolder = value();
    } else if (flag === '--publish' && inlineValue === undefined) {
      parsed.publish = true;
    } else if (flag === '--recompute' && inlineValue === undefined) {
      parsed.recompute = true;
    } else if (flag === '--reuse') {
      parsed.reuse = value();
    } else if (flag === '--queue') {
      // Checked as the kernels will check RELU_AE_QUEUE, so a bad URL fails here rather than in every notebook.
      parsed.queue = commandSettings(USAGE, { RELU_AE_QUEUE: value() }).queue;
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(redactSecrets(argv[index]))}`, USAGE);
    }
  }
  if (parsed.publish && parsed.profile !== 'full') {
    throw new UsageError(`--publish replaces the committed evidence in reports/, which is built with --profile full, not ${parsed.profile}`, USAGE);
  }
  if (parsed.publish && parsed.reportFolder !== undefined) throw new UsageError('--publish writes reports/; leave out --reports', USAGE);
  if (parsed.recompute && parsed.publish) throw new UsageError('--recompute checks the published runs; it never replaces them: leave out --publish', USAGE);
  if (parsed.recompute && parsed.reuse === 'none') throw new UsageError('--recompute compares with the published runs: --reuse none leaves nothing to compare with', USAGE);
  return parsed;
}

/** The notebooks to run, in order: by name, with 00-index.ipynb moved to the end. */
export function notebookOrder(fileNames: ReadonlyArray<string>, only?: string): string[] {
  const notebooks = fileNames.filter((name) => name.endsWith('.ipynb')).sort();
  const ordered = [...notebooks.filter((name) => name !== INDEX_NOTEBOOK), ...notebooks.filter((name) => name === INDEX_NOTEBOOK)];
  if (only === undefined) return ordered;
  const wanted = only.endsWith('.ipynb') ? only : `${only}.ipynb`;
  if (!ordered.includes(wanted)) {
    throw new UsageError(`--only: no notebook ${JSON.stringify(wanted)}`, `--only takes one of: ${ordered.map((name) => name.replace(/\.ipynb$/, '')).join(', ')}`);
  }
  return [wanted];
}

/** The HTML page a notebook becomes. */
export function reportFileName(notebookFileName: string): string {
  return notebookFileName === INDEX_NOTEBOOK ? 'index.html' : notebookFileName.replace(/\.ipynb$/, '.html');
}
