import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serviceByName, services } from '../lib/petadoption/catalog.js';
import { readSettings, settingProblems } from './settings.js';

const envOf = (name: string) => Object.fromEntries(serviceByName.get(name)!.env.map((e) => [e.name, e.value]));

test("every role starts with the catalog's own environment", () => {
  for (const profile of services) assert.equal(settingProblems(profile, envOf(profile.name)), [], profile.name);
});

test("the crash-loop scenario's mistakes are rejected in the catalog's words", () => {
  const cases: [role: string, setting: string, value: string | undefined, problem: string][] = [
    ['petsite', 'SEARCH_API_URL', 'petsearch:80/api/search', 'SEARCH_API_URL="petsearch:80/api/search" is not a valid URL'],
    ['petsearch', 'PETS_TABLE_NAME', '', 'PETS_TABLE_NAME is not set'],
    ['payforadoption', 'DB_MAX_CONNECTIONS', 'twenty', 'DB_MAX_CONNECTIONS="twenty" must be a positive integer'],
    ['petlistadoptions', 'PETSEARCH_URL', 'petsearch.petadoptions.svc.cluster.local/api/search', 'PETSEARCH_URL="petsearch.petadoptions.svc.cluster.local/api/search" is not a valid URL'],
    ['pethistory', 'GUNICORN_WORKERS', '0', 'GUNICORN_WORKERS="0" must be a positive integer'],
    ['trafficgenerator', 'PETSITE_URL', undefined, 'PETSITE_URL is not set'],
  ];
  for (const [role, setting, value, problem] of cases) {
    const env = { ...envOf(role), [setting]: value };
    if (value === undefined) delete env[setting];
    assert.equal(settingProblems(serviceByName.get(role)!, env), [problem], `${role} ${setting}`);
  }
});

test("each route's downstream calls resolve to their setting's URL, with the callee route's method", () => {
  const petsite = readSettings(serviceByName.get('petsite')!, { ...envOf('petsite'), PAYMENT_API_URL: 'http://127.0.0.1:9/api/completeadoption' });
  const targets = [...petsite.calls].map(([route, calls]) => [route, calls.map((c) => `${c.method} ${c.url} (${c.call.service})`)]);
  assert.equal(targets, [
    ['/', ['GET http://petsearch.petadoptions.svc.cluster.local/api/search (petsearch)']],
    ['/Search', ['GET http://petsearch.petadoptions.svc.cluster.local/api/search (petsearch)']],
    ['/Adoption/TakeMeHome', ['POST http://127.0.0.1:9/api/completeadoption (payforadoption)']],
    ['/PetListAdoptions', ['GET http://petlistadoptions.petadoptions.svc.cluster.local/api/adoptionlist/ (petlistadoptions)']],
    ['/PetHistory', ['GET http://pethistory.petadoptions.svc.cluster.local/petadoptionshistory/api/home/transactions (pethistory)']],
  ]);
  assert.is(petsite.clientTimeoutSeconds, 3);
  assert.is(readSettings(serviceByName.get('petsite')!, { ...envOf('petsite'), HTTP_CLIENT_TIMEOUT_SECONDS: '7' }).clientTimeoutSeconds, 7);
  assert.equal([...readSettings(serviceByName.get('pethistory')!, envOf('pethistory')).calls.values()], [[]], 'leaves call no one');
});

test('trafficgenerator drives petsite at PETSITE_URL with its USERS', () => {
  const settings = readSettings(serviceByName.get('trafficgenerator')!, { ...envOf('trafficgenerator'), PETSITE_URL: 'http://127.0.0.1:8080/', USERS: '12' });
  assert.is(settings.drives?.profile.name, 'petsite');
  assert.is(settings.drives?.baseUrl.toString(), 'http://127.0.0.1:8080/');
  assert.is(settings.drives?.users, 12);
  assert.is(readSettings(serviceByName.get('petsite')!, envOf('petsite')).drives, undefined);
});

test.run();
