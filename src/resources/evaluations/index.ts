import type { Resource } from '../resource.js';
import { evaluationMigrations } from './migrations.js';
import { registerEvaluationRoutes } from './routes.js';
import { EVALUATIONS_LIST } from './store.js';
import { evaluationTables } from './transfer.js';

export const evaluations: Resource = {
  name: 'evaluations',
  dependsOn: ['bundles', 'item-assignments'],
  migrations: evaluationMigrations,
  transfer: evaluationTables,
  lists: [EVALUATIONS_LIST],
  register: registerEvaluationRoutes,
};
