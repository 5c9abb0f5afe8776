/**
 * `relu-ae-lab/report`: the machinery of this project's report — the thread's claims as data, each
 * claim's study, the records notebooks write, the verdict boxes and index pieces. A user's own
 * experiments need only the main entry.
 */
export { claimDefinition, CLAIMS } from './claims';
export type { ClaimDefinition, ClaimId } from './claims';
export { analyzeStudy, sideText, STUDY_METRICS, studyExperiment } from './studies';
export type { GridChoiceRow, Study, StudyAnalysis, StudyComparison, StudyDefinition, StudySide } from './studies';
export {
  assembleResults, claimsDirectory, combineVerdicts, conditionsText, readBuildInfo, readClaimRecords, readRobustnessRecord, recordClaim,
  reportsDirectory, robustnessRunRecord, runRecord, SCRATCH_REPORT_FOLDER, writeResultsFile, writeRobustnessRecord,
} from './records';
export type { ClaimRecord, RobustnessRecord, RobustnessRunRecord, RunRecord } from './records';
export { createReportNotebook, effectText, verdictBoxHtml } from './notebook';
export type { ClaimRun, ReportNotebook, RobustnessRun } from './notebook';
export { answerHtml, buildInfoHtml, claimsTableHtml, forestSpec, glossaryHtml, multiplicityText, robustnessExtras } from './indexPage';
export { titleAnswer } from './answer';
export type { AnswerRow, MapReading, ReferenceReading } from './answer';
export { CLAIM_VERDICT_DEFINITIONS, glossaryRows, MARGIN_JUSTIFICATION, MARGIN_VERDICT_DEFINITIONS, PRACTICAL_MARGIN } from './margin';
export {
  claimRobustnessSummary, claimVerdictsByCondition, conditionTitle, dataSetTitle, entryClaim, INITIALIZER_TITLES, LEARNING_RATE_CHOICES, RATE_CHOICE_TITLES, scaleAgreement,
  REFERENCE_ARM, ROBUSTNESS_ARMS, ROBUSTNESS_COMPARISONS, robustnessPlan, robustnessSpec, threadRate,
} from './robustness';
export type { ComparisonGroup, LearningRateChoice, RobustnessArm, RobustnessComparison, RobustnessDataSet, RobustnessPlan, ScaleAgreement } from './robustness';
