/**
 * Expressions as Zeebe evaluates them: FEEL (`=...`) or static values, typed helpers for
 * conditions/lists/dates, timers (ISO 8601 durations, dates, cycles) and io mappings.
 */
export { ExpressionError } from './errors';
export { evaluate, evaluateUnaryTests, evaluateWithWarnings, isFeel, type EvaluateOptions, type Evaluation } from './evaluate';
export { evaluateCondition, evaluateStringList, evaluateDateTime } from './typed';
export { scheduleTimer, nextTimerSchedule, type TimerSchedule } from './timers';
export { applyInputMappings, applyOutputMappings, setPath } from './mappings';
export { feelSyntaxProblem } from './syntax';
