/**
 * What the `<edge-llm-eval>` element keeps and compares: this device's results (kept in
 * IndexedDB under its fingerprint and shown again on the next visit), imported result files,
 * the user's own suites, and what the recommendation needs (this device and the engines'
 * catalogs). Storage failures (private windows, blocked IndexedDB) leave the view working
 * without memory, and say so.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { catalogClient } from '../../client/shared-client.js';
import { parseEvalResult, type EvalResult } from '../../core/eval-schema.js';
import { recommendationCandidates } from '../../core/eval/choose.js';
import { comparisonRows } from '../../core/eval/compare.js';
import { recommendModel } from '../../core/eval/recommend.js';
import { deviceKey, sameResult, withResult, withSuite, type SavedSuite } from '../../core/eval/saved.js';
import { suiteGroups } from '../../core/eval/shown.js';
import { isEngineId } from '../../core/engines.js';
import { benchDevice } from '../../measure/fingerprint.js';
import * as store from '../../persistence/eval-store.js';
import type { ResultsState } from './eval-results-view.js';
import type { CustomModelSource, DeviceReport, EngineId, ModelRecord } from '../../shared/engine-api.js';

/** A result on screen, with where it came from: "This device" or a file name. */
export interface ShownEval {
  source: string;
  result: EvalResult;
}

export class EvalResultsController implements ReactiveController {
  /** This device's results, oldest first. */
  saved: EvalResult[] = [];
  imported: ShownEval[] = [];
  importErrors: string[] = [];
  suites: SavedSuite[] = [];
  /** This device as the worker sees it; undefined until probed. */
  device: DeviceReport | undefined;
  /** The catalogs of the engines in the results, for the fit check. */
  catalog: ModelRecord[] = [];
  /** Why nothing is kept, when storage is unavailable. */
  storageProblem = '';

  /** Resolves when the saved suites and this device's results have been read. */
  readonly restored: Promise<void>;

  private thisDevice = '';
  private restoring = false;
  private catalogEngines = '';
  private resolveRestored: () => void = () => undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    this.restored = new Promise((resolve) => (this.resolveRestored = resolve));
  }

  hostConnected(): void {
    if (this.restoring) return;
    this.restoring = true;
    void this.restore();
  }

  /** True for a result measured on this device (saved here, or an imported file of this device). */
  isThisDevice(result: EvalResult): boolean {
    return this.thisDevice !== '' && deviceKey(result.device) === this.thisDevice;
  }

  shown(): ShownEval[] {
    return [...this.saved.map((result) => ({ source: 'This device', result })), ...this.imported];
  }

  /** Keeps a new result of this device. */
  async add(result: EvalResult): Promise<void> {
    this.thisDevice ||= deviceKey(result.device);
    this.saved = withResult(this.saved, result);
    this.host.requestUpdate();
    await this.persist(() => store.saveResults(deviceKey(result.device), this.saved));
  }

  /** Forgets this device's results, here and in storage. */
  async clear(): Promise<void> {
    this.saved = [];
    this.host.requestUpdate();
    if (this.thisDevice) await this.persist(() => store.clearResults(this.thisDevice));
  }

  /** Reads result files to compare. Bad files are listed with the reason; good ones are shown. */
  async importFiles(files: Iterable<File>): Promise<void> {
    const errors: string[] = [];
    for (const file of files) {
      const parsed = parseEvalResult(await file.text());
      if (!parsed.ok) errors.push(`${file.name}: ${parsed.error}`);
      else if (this.shown().some((entry) => sameResult(entry.result, parsed.value))) {
        errors.push(`${file.name}: this result is already shown`);
      } else this.imported = [...this.imported, { source: file.name, result: parsed.value }];
    }
    this.importErrors = errors;
    this.host.requestUpdate();
  }

  remove(entry: ShownEval): void {
    this.imported = this.imported.filter((candidate) => candidate !== entry);
    this.host.requestUpdate();
  }

  async saveSuite(name: string, text: string): Promise<void> {
    this.suites = withSuite(this.suites, { name, text, savedAt: Date.now() });
    this.host.requestUpdate();
    await this.persist(() => store.saveSuites(this.suites));
  }

  async forgetSuite(name: string): Promise<void> {
    this.suites = this.suites.filter((suite) => suite.name !== name);
    this.host.requestUpdate();
    await this.persist(() => store.saveSuites(this.suites));
  }

  /**
   * What the results section shows for the suite `groupKey` (the newest suite's when it is not
   * shown): rows, their sources, and the recommendation at `minSpeed` from this device's rows.
   */
  resultsState(
    groupKey: string,
    minSpeed: number,
    custom: CustomModelSource | undefined,
  ): Omit<ResultsState, 'importErrors' | 'storageProblem' | 'chartWidth'> {
    const all = this.shown();
    const groups = suiteGroups(all.map((entry) => entry.result));
    const group = groups.find((candidate) => candidate.fingerprint === groupKey) ?? groups[0];
    const shown = all.filter((entry) => entry.result.suite.fingerprint === group?.fingerprint);
    const sources = new Map(shown.map((entry) => [entry.result, entry.source]));
    const rows = comparisonRows(group?.results ?? []);
    const here = rows.filter((row) => this.isThisDevice(row.result));
    if (here.length > 0)
      void this.loadCatalogs(
        here.map((row) => row.run.engine),
        custom,
      );
    const candidates = recommendationCandidates(rows, this.catalog, (result) => this.isThisDevice(result));
    return {
      groups,
      group,
      shown,
      rows,
      sourceOf: (row) => `${sources.get(row.result) ?? ''} · ${new Date(row.result.createdAt).toLocaleString()}`,
      recommendation:
        candidates.length > 0 && this.device
          ? recommendModel(candidates, this.device, this.catalog, minSpeed)
          : undefined,
      minSpeed,
      canExportJson: here.length > 0,
      hasSaved: this.saved.length > 0,
    };
  }

  /** Lists the catalogs of `engines` (once per set of engines and sources), for the fit check. */
  async loadCatalogs(engines: Iterable<string>, custom: CustomModelSource | undefined): Promise<void> {
    const wanted = [...new Set(engines)].filter(isEngineId).sort() as EngineId[];
    const key = JSON.stringify([wanted, custom ?? null]);
    if (key === this.catalogEngines) return;
    this.catalogEngines = key;
    const lists = await Promise.all(
      wanted.map((engine) =>
        catalogClient()
          .listModels(engine, custom)
          .catch(() => []),
      ),
    );
    this.catalog = lists.flat();
    this.host.requestUpdate();
  }

  private async restore(): Promise<void> {
    try {
      this.device = await catalogClient().probeDevice();
      this.thisDevice = deviceKey(benchDevice(this.device));
      const [suites, saved] = await Promise.all([store.loadSuites(), store.loadResults(this.thisDevice)]);
      this.suites = suites;
      // A run that finished while storage was read is kept too.
      this.saved = saved.reduce(withResult, this.saved);
    } catch (error) {
      this.storageProblem = `Results and suites cannot be kept in this browser (${String((error as Error)?.message ?? error)}).`;
    } finally {
      this.host.requestUpdate();
      this.resolveRestored();
    }
  }

  private async persist(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.storageProblem = `Could not keep this in the browser (${String((error as Error)?.message ?? error)}).`;
      this.host.requestUpdate();
    }
  }
}
