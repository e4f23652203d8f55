import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../core/random.js';
import { BASE_PETSITE_RPS, dailyTrafficFactor, serviceByName } from '../lib/petadoption/catalog.js';
import { pickRoute, plannedRequests } from './traffic-generator.js';

const petsite = serviceByName.get('petsite')!;

test("each petsite route gets its catalog share of the users' requests", () => {
  const random = new Random(3);
  const counts = new Map<string, number>();
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const route = pickRoute(petsite.routes, random).path;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  for (const route of petsite.routes) assert.ok(Math.abs(counts.get(route.path)! / draws - route.share) < 0.015, `${route.path}: ${counts.get(route.path)! / draws} vs ${route.share}`);
});

test("the rate follows the simulation's daily pattern, scaled down", () => {
  const random = new Random(5);
  const mean = (epochMs: number, scale: number) => Array.from({ length: 2000 }, () => plannedRequests(epochMs, scale, random)).reduce((a, b) => a + b, 0) / 2000;
  const quiet = Date.UTC(2025, 0, 1, 9);
  const busy = Date.UTC(2025, 0, 1, 17);
  for (const [at, scale] of [[quiet, 0.25], [busy, 0.25], [busy, 0.1]] as const) {
    const expected = BASE_PETSITE_RPS * dailyTrafficFactor(at) * scale;
    assert.ok(Math.abs(mean(at, scale) - expected) < 0.05 * expected + 0.1, `${new Date(at).toISOString()} x${scale}: ${mean(at, scale)} vs ${expected}`);
  }
  assert.ok(dailyTrafficFactor(busy) > 1.5 * dailyTrafficFactor(quiet), 'busier in the US afternoon than in the US night');
  assert.is(plannedRequests(busy, 0, random), 0);
});

test.run();
