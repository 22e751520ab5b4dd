// The running agent, read by the guard on every sink call. Undefined when stopped.
import type { Allowlist } from './allowlist';
import type { Config } from './config/types';
import type { Reporter } from './report/reporter';

export interface AgentState {
  readonly config: Config;
  readonly reporter: Reporter;
  readonly allowlist: Allowlist;
}

let active: AgentState | undefined;

export function agentState(): AgentState | undefined {
  return active;
}

export function setAgentState(state: AgentState | undefined): void {
  active = state;
}
