import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allowedOrigins, isAllowedHost, parseHostHeader, type HostPolicy } from './guards.js';

const local: HostPolicy = { listening: () => ({ host: '127.0.0.1', port: 18080 }), publicUrl: 'http://127.0.0.1:18080' };
const pod: HostPolicy = { listening: () => ({ host: '0.0.0.0', port: 8080 }), publicUrl: 'https://agent.example.com', allowedHosts: ['agent.internal:8443'] };

test('Host headers: names and addresses only', () => {
  assert.equal(parseHostHeader('127.0.0.1:18080'), { hostname: '127.0.0.1', port: 18080 });
  assert.equal(parseHostHeader('LOCALHOST'), { hostname: 'localhost' });
  assert.equal(parseHostHeader('[::1]:80'), { hostname: '[::1]', port: 80 });
  for (const bad of ['evil@127.0.0.1', '127.0.0.1/x', 'a b', '', 'host:port', '127.0.0.1:123456']) assert.is(parseHostHeader(bad), undefined, bad);
});

test('the local agent answers to its loopback names on its port, and the public URL; a rebound name gets nothing', () => {
  for (const host of ['127.0.0.1:18080', 'localhost:18080', '[::1]:18080', 'localhost']) assert.ok(isAllowedHost(host, local), host);
  for (const host of ['evil.example:18080', 'evil.example', '127.0.0.1:9999', '10.0.0.5:18080', 'localhost.evil.example:18080', undefined]) assert.not.ok(isAllowedHost(host, local), String(host));
  assert.not.ok(isAllowedHost('127.0.0.1:18080', { listening: () => undefined }), 'not listening yet');
});

test('in a pod: IP addresses, Service names, the public URL and --allowed-hosts; port-forwards on any port', () => {
  for (const host of ['10.0.3.7:8080', 'devops-agent.devops-agent.svc:80', 'devops-agent.devops-agent.svc.cluster.local', 'agent.example.com', 'agent.internal:8443', 'localhost:18080', '[fd00::1]:8080']) assert.ok(isAllowedHost(host, pod), host);
  for (const host of ['evil.example', 'agent.internal:80', 'svc.evil.example']) assert.not.ok(isAllowedHost(host, pod), host);
});

test('origins: the agent\'s own and --allowed-origins', () => {
  const origins = allowedOrigins({ ...local, allowedOrigins: ['https://console.example.com/'] });
  assert.ok(origins.has('http://127.0.0.1:18080') && origins.has('http://localhost:18080') && origins.has('https://console.example.com'));
  assert.not.ok(origins.has('null') || origins.has('http://127.0.0.1:3000') || origins.has('http://evil.example'));
});

test.run();
