/**
 * deploy/docker-compose.yaml cannot be started here (no Docker): check that it parses and wires what the docs
 * promise — Camunda 8.8 image, Elasticsearch secondary storage, vårdkedjan services pointed at the cluster, entry
 * files that exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const DEPLOY = path.resolve(__dirname, '..', '..', 'deploy');
type Service = { image?: string; deploy?: { replicas?: number }; build?: { context: string; dockerfile: string }; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> };
const doc = YAML.parse(fs.readFileSync(path.join(DEPLOY, 'docker-compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

test('Camunda 8.8 orchestration cluster with Elasticsearch secondary storage', () => {
  const o = doc.services.orchestration;
  expect(o.image).toMatch(/^camunda\/camunda:\$\{CAMUNDA_VERSION:-8\.8\.\d+\}$/);
  expect(o.environment?.CAMUNDA_DATA_SECONDARYSTORAGE_TYPE).toBe('elasticsearch');
  expect(o.environment?.CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL).toBe('http://elasticsearch:9200');
  expect(doc.services.elasticsearch.image).toMatch(/elasticsearch:/);
});

test.each(['vk-deploy', 'vk-workers', 'vk-web'])('%s is built from deploy/Dockerfile, runs an existing entry file, talks to the cluster', (name) => {
  const s = doc.services[name];
  expect(s.build?.dockerfile).toBe('deploy/Dockerfile');
  expect(fs.existsSync(path.resolve(DEPLOY, s.build!.context, s.build!.dockerfile))).toBe(true);
  // The image runs compiled JavaScript (runtime dependencies only): node dist/<entry>.js of an existing source file.
  expect(s.command![0]).toBe('node');
  const entry = s.command!.find((a) => /^dist\/.+\.js$/.test(a))!;
  expect(fs.existsSync(path.resolve(DEPLOY, '..', entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  expect(s.environment).toEqual(expect.objectContaining({ ZEEBE_REST_ADDRESS: 'http://orchestration:8080', CAMUNDA_AUTH_STRATEGY: 'BASIC' }));
});

test('workers and web start only after a successful deployment, which waits for a healthy cluster', () => {
  expect(doc.services['vk-deploy'].depends_on?.orchestration.condition).toBe('service_healthy');
  for (const n of ['vk-workers', 'vk-web']) expect(doc.services[n].depends_on?.['vk-deploy'].condition).toBe('service_completed_successfully');
});

test('the Dockerfile builds dist/ and runs it with runtime dependencies only', () => {
  const file = fs.readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  const stages = file.split(/^FROM /m).slice(1);
  expect(stages).toHaveLength(2);
  expect(stages[0]).toMatch(/RUN npm run build/);
  expect(stages[1]).toMatch(/npm install --omit=dev/);
  expect(stages[1]).not.toMatch(/tsx/);
  expect(stages[1]).toMatch(/CMD \["node", "dist\//);
});

test('PostgreSQL holds the product\'s own data for two worker and two web replicas', () => {
  expect(doc.services.postgres.image).toMatch(/^postgres:/);
  for (const n of ['vk-deploy', 'vk-workers', 'vk-web']) {
    expect(doc.services[n].environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(doc.services[n].depends_on?.postgres.condition).toBe('service_healthy');
  }
  for (const n of ['vk-workers', 'vk-web']) expect(doc.services[n].deploy?.replicas).toBe(2);
});
