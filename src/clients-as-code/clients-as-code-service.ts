// The clients-as-code module's face: what `lightgate clients plan|apply` (src/cli/commands/clients.ts) uses.
export { applyPlan, type ApplyReport, type CreatedClient } from './app/apply-clients.ts';
export { planClients, planClientsFromFile, type ClientsError, type PlanClientsInput } from './app/plan-clients.ts';
export { formatPlan } from './format-plan.ts';
