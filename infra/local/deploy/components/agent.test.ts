import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agent, clusterIdOf, prepareAgentData } from './agent.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'agent-data-')), 'agent');
const simulationA = clusterIdOf({ pid: 4242, startTime: '981234' });
const simulationB = clusterIdOf({ pid: 5151, startTime: '990001' });

test('the agent starts after the simulation and restarts with a new one', () => {
  assert.equal(agent.startsAfter, ['simulation']);
  assert.equal(agent.restartsWith, ['simulation']);
});

test('the same simulated cluster keeps the data: nothing is moved or deleted', () => {
  const dir = fresh();
  assert.is(prepareAgentData(dir, simulationA), undefined);
  writeFileSync(join(dir, 'agent.sqlite'), 'incidents');
  writeFileSync(join(dir, 'agent.sqlite-wal'), 'not yet checkpointed');
  assert.is(prepareAgentData(dir, simulationA), undefined);
  assert.equal(readdirSync(dir).sort(), ['agent.sqlite', 'agent.sqlite-wal', 'cluster-id']);
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.is(statSync(join(dir, 'cluster-id')).mode & 0o777, 0o600);
});

test('a new simulation moves the previous data aside whole, never deleting it', () => {
  const dir = fresh();
  prepareAgentData(dir, simulationA);
  writeFileSync(join(dir, 'agent.sqlite'), 'incidents of A');
  writeFileSync(join(dir, 'agent.sqlite-wal'), 'the last commits of A');
  const archived = prepareAgentData(dir, simulationB, new Date('2026-11-25T09:00:00.000Z'))!;
  assert.is(archived, join(dir, 'archive', `2026-11-25T09-00-00-000Z-${simulationA}`));
  assert.equal(readdirSync(archived).sort(), ['agent.sqlite', 'agent.sqlite-wal', 'cluster-id']);
  assert.is(readFileSync(join(archived, 'agent.sqlite-wal'), 'utf8'), 'the last commits of A', 'the WAL moves with its database');
  assert.equal(readdirSync(dir).sort(), ['archive', 'cluster-id']);
  assert.is(readFileSync(join(dir, 'cluster-id'), 'utf8'), simulationB);
  writeFileSync(join(dir, 'agent.sqlite'), 'incidents of B');
  const again = prepareAgentData(dir, simulationA, new Date('2026-11-25T10:00:00.000Z'))!;
  assert.equal(readdirSync(join(dir, 'archive')).length, 2, 'earlier archives stay');
  assert.is(readFileSync(join(again, 'agent.sqlite'), 'utf8'), 'incidents of B');
});

test('a marker written before the simulation was known ("none") names no cluster: the data is kept', () => {
  const dir = fresh();
  prepareAgentData(dir, simulationA);
  writeFileSync(join(dir, 'cluster-id'), 'none');
  writeFileSync(join(dir, 'agent.sqlite'), 'incidents');
  assert.is(prepareAgentData(dir, simulationA), undefined);
  assert.ok(readdirSync(dir).includes('agent.sqlite'));
});

test('a data directory that cannot be created says which and what to do', () => {
  const base = mkdtempSync(join(tmpdir(), 'agent-data-'));
  writeFileSync(join(base, 'state'), 'a file where the state directory should be');
  assert.throws(() => prepareAgentData(join(base, 'state', 'agent'), simulationA), /the agent's data directory .*state\/agent cannot be created or used \(ENOTDIR\): make the state directory writable .*--state-dir/);
});

test.run();
