/**
 * The components of the local stack, in start order (`down` stops them in reverse). The simulation comes
 * first because Prometheus backfills its history and scrapes it; Alertmanager before Prometheus so the
 * first alert has somewhere to go; the MCP server after Prometheus, which it answers from; the agent
 * last, as it uses all of them.
 */
import { agent } from './agent.js';
import { alertmanager } from './alertmanager.js';
import type { Component } from './component.js';
import { mcpServer } from './mcp-server.js';
import { prometheus } from './prometheus.js';
import { simulation } from './simulation.js';

export const stackComponents: readonly Component[] = [simulation, alertmanager, prometheus, mcpServer, agent];
