/**
 * Set-up for Asterisk and FreePBX: detection (what Asterisk logs, whether the AMI has a
 * sipwarden user), `sipwarden init`'s plan and its `--uninstall`, and the plan → apply →
 * uninstall flow (flow.ts, undo.ts) and conversation (converse.ts) every set-up command shares.
 * Every path is logical and may be put under a root prefix; commands are injectable.
 */
export { parseConfText, assembleConf, sectionsNamed, lastValue, type ConfTree, type ConfSection, type ConfEntry, type ConfSource } from '../asterisk/index.js';
export { loadConf, type LoadConfOptions } from '../asterisk/index.js';
export { detectAsterisk, type AsteriskSetup, type Finding, type DetectOptions, type LoggerFacts, type LogChannel, type AmiFacts, type AmiUser } from './detect.js';
export { describeDetection, describeWatch, formatFinding, type Watched } from './describe.js';
export { applyPlan, planInit, randomSecret, type Plan, type PlanOptions, type Action } from './plan.js';
export { formatPlan } from './plan-format.js';
export { carryOut, carryOutUndo, confirm, formatApplied, formatPlanned, inOneLine, requireRoot, type Answers, type Conversation, type PlanWords } from './converse.js';
export { applyChanges, asteriskReloads, followUp, runFollowUps, type ApplyOptions, type ApplyResult, type Change, type CommandRun, type FollowUp, type Planned } from './flow.js';
export { applyUndo, unwind, type Undo, type UndoStep } from './undo.js';
export { planUninstall, applyUninstall, type UninstallPlan, type UninstallOptions, type UninstallStep } from './uninstall.js';
export { readManifest, type Manifest } from './manifest.js';
export { PATHS, onHost } from './paths.js';
export type { RunCommand, CommandExists, CommandResult } from './system.js';
