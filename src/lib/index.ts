/**
 * relu-ae-lab: build, train and diagnose fully connected autoencoders, run seeded experiments with
 * a result cache, compare configurations with paired statistics, and plot — in plain Node or in a
 * tslab notebook. The report's own machinery is in `relu-ae-lab/report`; tfjs-typed helpers (a
 * trained network as a tf.Sequential) are in `relu-ae-lab/tfjs`.
 *
 *   loadData ─▶ trainAutoencoder({ config, data, seed }) ─▶ result (config, history, diagnostics, samples)
 *   experiment(name, profile, configurations) ─▶ runExperiment ─▶ runs ─▶ compareLabels / plots
 */

// Specs: what a user writes, validated and resolved at the boundary.
export {
  ACTIVATION_NAMES, DEFAULT_AUTOENCODER_SPEC, DEFAULT_ELU_ALPHA, DEFAULT_LEAKY_RELU_SLOPE, DEFAULT_LEARNING_RATES, DEFAULT_MOMENTUM,
  DEFAULT_TRAINING_SPEC, INITIALIZER_NAMES, LOSS_NAMES, OPTIMIZER_NAMES, resolveActivation, resolveAutoencoderSpec, resolveTrainingSpec, SpecError,
} from './spec';
export type {
  Activation, ActivationInput, ActivationName, AutoencoderSpec, AutoencoderSpecInput, DenseLayerSpec, InitializerName, InputCorruption,
  LossName, NetworkSpec, OptimizerInput, OptimizerName, OptimizerSpec, Parameters, TrainingSpec, TrainingSpecInput,
} from './spec';

// Data.
export {
  DATA_SOURCES, DataFileError, DEFAULT_DATA_OPTIONS, FASHION_MNIST_DIRECTORIES, IMAGE_SIZE, loadData, loadEmbeddedDigits, loadIdxPair, MNIST_CHECKSUMS,
  mnistDataDirectory, resolveDataOptions,
} from './data/index';
export type { DataDescription, DataOptions, DataOptionsInput, DataSource, DataSplit, Dataset } from './data/index';

// Models, training and runs.
export { initializeParameters, networkFromSpec } from './model';
export { DIVERGENCE_FACTOR, trainNetwork } from './train';
export type { Divergence, EpochRecord, NetworkTrainingOutcome, TrainNetworkOptions } from './train';
export { blasAvailable, prepareEngine } from './engine/index';
export type { EngineChoice } from './engine/index';
export { initializeBackend } from './backend';
export {
  collectVersions, executeRun, resolveAutoencoderRunConfig, resolveRunConfig, resolveStackedDenoisingConfig, trainAutoencoder, trainStackedDenoising,
} from './runs/index';
export type {
  AutoencoderRunConfig, AutoencoderRunInput, AutoencoderRunResult, FinalDiagnostics, RunConfig, RunInput, RunResult, StackedDenoisingResult,
  StackedDenoisingRunConfig, StackedDenoisingRunInput, StackedDenoisingSpec, TrainAutoencoderOptions, Versions,
} from './runs/index';

// Evaluation and diagnostics.
export { binaryCrossEntropy, meanSquaredError } from './losses';
export { codeStatistics, deadUnitFractions, hiddenSparsity, principalComponents2 } from './evaluate';
export type { CodeStatistics, RunSamples } from './evaluate';

// Experiments.
export { defaultCacheDirectory } from './experiment/cache';
export { planExperiment, progressLine, runExperiment, terminalProgress } from './experiment/runner';
export { redactUrl } from './experiment/queue/redact';
export { startQueueWorker } from './experiment/queue/worker';
export type { QueueWorker, QueueWorkerOptions, QueueWorkerStop } from './experiment/queue/worker';
export { QueueInterruptedError } from './experiment/queue/coordinator';
export { QueueUnusableError } from './experiment/queue/connection';
export { checkQueueReadiness } from './experiment/queue/readiness';
export type { QueueReadiness } from './experiment/queue/readiness';
export type { Experiment, ExperimentConfiguration, ExperimentPlan, ExperimentProgress, ExperimentResult, ExperimentRun, RunExperimentOptions } from './experiment/runner';
export {
  autoencoderConfiguration, bestOnGrid, configurationSummaryRows, experiment, finalTrainLoss, finalValidationMse, SUMMARY_COLUMNS,
} from './experiment/designs';
export type { AutoencoderConfigurationOptions, GridChoice } from './experiment/designs';
export { dataScaleTitle, describeData, describeProfile, EMBEDDED_8K, FULL_MNIST, PROFILES, profileOnData, resolveProfile } from './experiment/profiles';
export type { Profile, ProfileData, ProfileName } from './experiment/profiles';

// Condition maps: a comparison re-run under every condition of a question, read at every budget.
export {
  analyzeConditionMap, bestRateByValidation, budgetEpochs, comparisonAcrossConditions, conditionMapExperiment, conditionMapFromRuns, crossConditions, describeConditionSet, entriesAtFullBudget,
  holmVerdicts, mapConfigurations, mergeRun, planConditionMap, runConditionMap, validateConditionMap,
} from './conditionMap/index';
export type {
  ComparisonAcrossConditions, ConditionMapPlan, ConditionMapResult, ConditionMapSpec, FactorLevel, MapArm, MapComparison, MapCondition, MapConfiguration, MapEntry, RateChoice,
} from './conditionMap/index';

// Margins, robust statistics and failures.
export { analyzeMargins, holmMarginVerdicts, MARGIN_VERDICTS, marginPValues, marginVerdict, marginVerdicts, mirroredInterval, seedsNeeded, seedsToResolve } from './margins';
export type { IntervalSummary, MarginAnalysis, MarginInput, MarginVerdict, MarginVerdicts, SeedsNeededOptions, SeedsToResolve } from './margins';
export { bimodality, binomialInterval, signedRankTest, signTest } from './robustStats';
export type { Bimodality, RobustTest } from './robustStats';
export { countFailures, FAILURE_DEFINITION, failureText, runFailure } from './failures';
export type { FailureCount } from './failures';

// Statistics and comparisons.
export { comparePaired, holmAdjustedVerdicts, meanInterval, summarize, verdictFromInterval } from './stats';
export type { PairedComparison, Summary, ValuesBySeed, Verdict } from './stats';
export { compareLabels, describeComparison, valuesBySeed, withMargins } from './compare';
export type { Comparison, CompareOptions } from './compare';

// Plots (pure specs) and their display.
export { codeScatterFigure, deadUnitsFigure, lossCurvesFigure, stagesFigure } from './plots/figures';
export type { Figure, LossCurvesOptions } from './plots/figures';
export { finalMetricSpec, sweepSpec, tradeoffSpec } from './plots/specs';
export { budgetBandsFigure, comparisonTitle, CONDITION_MAP_TABLE_COLUMNS, conditionMapFigure, conditionMapTableRows } from './plots/conditionMap';
export type { BudgetBandsOptions, ConditionMapFigureOptions, ConditionMapView } from './plots/conditionMap';
export type { SweepOptions } from './plots/specs';
export { ARM_COLOURS, VERDICT_COLOURS } from './plots/palette';
export { asRuns, describeRunConfig } from './plots/runs';
export type { PlotRun, RunsInput } from './plots/runs';
export { escapeHtml, progressHtml, tableHtml } from './display/html';
export type { TableColumn } from './display/html';
export { plotlyChartHtml, plotlyLibraryUrlFrom } from './display/plotly';
export { vegaLiteHtml } from './display/vega';
export { reconstructionGridHtml } from './display/grids';
export { createNotebook } from './notebook';
export type { Notebook, NotebookOptions, TslabLike } from './notebook';
