import * as df from 'durable-functions';
import { alertEscalationOrchestrator, escalationNames } from '../lib/alerts/escalationOrchestrator';

/**
 * One orchestration per critical alert (instance id alert-<alert key>): email, then the acknowledgement
 * or the timeout, then the on-call SMS. The steps live in alertEscalationOrchestrator.
 */
df.app.orchestration(escalationNames.orchestrator, alertEscalationOrchestrator);
