/**
 * Every `deni` command, in the order `deni --help` lists them. A new command is one module
 * exporting a {@link CliCommand} and one line here.
 */
import type { CliCommand } from './common';
import { datasetsCommand } from './datasets-command';
import { doctorCommand } from './doctor-command';
import { experimentsCommand } from './experiments-command';
import { exportCommand } from './export-command';
import { importCommand } from './import-command';
import { modelsCommand } from './models-command';
import { planCommand } from './plan-command';
import { reportCommand } from './report-command';
import { strategiesCommand } from './strategies-command';
import { sweepCommand } from './sweep-command';
import { sweepsCommand } from './sweeps-command';
import { workerCommand } from './worker-command';

export const COMMANDS: readonly CliCommand[] = [
  sweepCommand,
  planCommand,
  reportCommand,
  exportCommand,
  importCommand,
  experimentsCommand,
  sweepsCommand,
  workerCommand,
  datasetsCommand,
  modelsCommand,
  strategiesCommand,
  doctorCommand
];
