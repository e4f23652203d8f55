/**
 * A role's settings, read from its environment as the real services read theirs: every rule of the
 * catalog's `config` is checked at start, and a setting that breaks one stops the process (exit 1), as
 * the crash-loop scenario's bad rollout expects. From valid settings come the URLs of the services
 * downstream (each call's `urlSetting`) and of the service the traffic generator drives.
 */
import { serviceByName, type DownstreamCall, type RouteProfile, type ServiceProfile } from '../lib/petadoption/catalog.js';

/** One downstream call of a route, resolved: where it goes and with which method. */
export interface DownstreamTarget {
  call: DownstreamCall;
  url: URL;
  method: 'GET' | 'POST';
}

export interface RoleSettings {
  profile: ServiceProfile;
  /** Per route path, the calls one request of it makes, in order. */
  calls: Map<string, DownstreamTarget[]>;
  /** Timeout of the HTTP client for downstream calls (HTTP_CLIENT_TIMEOUT_SECONDS where the role has it). */
  clientTimeoutSeconds: number;
  /** trafficgenerator: the service it sends users to, and where that is. */
  drives?: { profile: ServiceProfile; baseUrl: URL; users: number };
}

/** The problems the role's start-up validation reports, in the catalog's words; none when the settings are usable. */
export function settingProblems(profile: ServiceProfile, env: NodeJS.ProcessEnv): string[] {
  return profile.config.map((rule) => rule.check(env[rule.name])).filter((problem): problem is string => problem !== undefined);
}

/** The settings of a role whose environment passed `settingProblems`. */
export function readSettings(profile: ServiceProfile, env: NodeJS.ProcessEnv): RoleSettings {
  const calls = new Map<string, DownstreamTarget[]>();
  for (const route of profile.routes) calls.set(route.path, route.calls.map((call) => downstreamTarget(profile, call, env)));
  const timeout = env.HTTP_CLIENT_TIMEOUT_SECONDS && profile.config.some((rule) => rule.name === 'HTTP_CLIENT_TIMEOUT_SECONDS') ? Number(env.HTTP_CLIENT_TIMEOUT_SECONDS) : profile.clientTimeoutSeconds;
  const settings: RoleSettings = { profile, calls, clientTimeoutSeconds: timeout };
  if (profile.drives) {
    const driven = serviceByName.get(profile.drives.service);
    if (!driven) throw new Error(`${profile.name} drives ${profile.drives.service}, which is not in the catalog`);
    settings.drives = { profile: driven, baseUrl: new URL(requiredSetting(profile, profile.drives.urlSetting, env)), users: Number(env.USERS ?? defaultOf(profile, 'USERS') ?? 1) };
  }
  return settings;
}

function downstreamTarget(profile: ServiceProfile, call: DownstreamCall, env: NodeJS.ProcessEnv): DownstreamTarget {
  const callee = serviceByName.get(call.service);
  const route = callee?.routes.find((r: RouteProfile) => r.path === call.route);
  if (!route) throw new Error(`${profile.name} calls ${call.service} ${call.route}, which the catalog does not serve`);
  return { call, url: new URL(requiredSetting(profile, call.urlSetting, env)), method: route.method };
}

function requiredSetting(profile: ServiceProfile, name: string, env: NodeJS.ProcessEnv): string {
  const value = env[name];
  if (!value) throw new Error(`${profile.name}: ${name} is not set (the catalog's config rules should have said so)`);
  return value;
}

function defaultOf(profile: ServiceProfile, name: string): string | undefined {
  return profile.env.find((e) => e.name === name)?.value;
}
