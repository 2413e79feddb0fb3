/**
 * Migration 1: the whole first schema, once per dialect. Both dialects hold the same logical schema: times
 * are epoch milliseconds (INTEGER / BIGINT), JSON documents are TEXT (SQLite) or `json` (PostgreSQL, which
 * keeps the text as written), money and FTE are 64-bit floats. `forecasts.head` is the forecast document
 * without its `series`, which live one row each in `forecast_series`. Volume rows and plan rows are keyed by
 * their parent id first, so reading one dataset's or one plan's rows is a primary-key range scan.
 */

import type { Migration } from './index.ts';

const sqlite = `
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_columns TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  row_count INTEGER NOT NULL DEFAULT 0,
  series_count INTEGER NOT NULL DEFAULT 0,
  first_ts INTEGER,
  last_ts INTEGER,
  sha256 TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE dataset_series (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  PRIMARY KEY (dataset_id, series_key)
) WITHOUT ROWID;
CREATE TABLE volume_rows (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  ts INTEGER NOT NULL,
  volume REAL NOT NULL CHECK (volume >= 0),
  PRIMARY KEY (dataset_id, series_key, ts)
) WITHOUT ROWID;

CREATE TABLE documents (
  kind TEXT NOT NULL CHECK (kind IN ('events', 'config')),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE document_versions (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id, version),
  FOREIGN KEY (kind, id) REFERENCES documents(kind, id) ON DELETE CASCADE
);

CREATE TABLE forecasts (
  id TEXT PRIMARY KEY,
  dataset_id TEXT,
  dataset_version INTEGER,
  job_id TEXT,
  params TEXT NOT NULL,
  head TEXT NOT NULL,
  series_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX forecasts_dataset ON forecasts (dataset_id, created_at);
CREATE TABLE forecast_series (
  forecast_id TEXT NOT NULL REFERENCES forecasts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  series_id TEXT NOT NULL,
  series_key TEXT NOT NULL,
  model TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (forecast_id, seq),
  UNIQUE (forecast_id, series_id)
);

CREATE TABLE results (
  kind TEXT NOT NULL CHECK (kind IN ('anomalies', 'investigation')),
  id TEXT NOT NULL,
  dataset_id TEXT,
  forecast_id TEXT,
  job_id TEXT,
  params TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  forecast_id TEXT NOT NULL,
  config_id TEXT NOT NULL,
  config_version INTEGER NOT NULL,
  scenarios TEXT NOT NULL,
  reporting_currency TEXT NOT NULL,
  job_id TEXT,
  provenance TEXT NOT NULL,
  doc TEXT NOT NULL,
  cost_count INTEGER NOT NULL,
  requirement_count INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  write_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX plans_forecast ON plans (forecast_id);
CREATE INDEX plans_config ON plans (config_id);
CREATE TABLE plan_costs (
  plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  site TEXT NOT NULL,
  language TEXT NOT NULL,
  month TEXT NOT NULL,
  component TEXT NOT NULL,
  currency TEXT NOT NULL,
  cost REAL NOT NULL,
  cost_reporting REAL NOT NULL,
  PRIMARY KEY (plan_id, seq)
) WITHOUT ROWID;
CREATE TABLE plan_requirements (
  plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  site TEXT NOT NULL,
  language TEXT NOT NULL,
  week INTEGER NOT NULL,
  week_start TEXT NOT NULL,
  required_fte REAL NOT NULL,
  paid_headcount REAL NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (plan_id, seq)
) WITHOUT ROWID;

CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('forecast', 'plan')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  params TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  progress_message TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  worker_id TEXT,
  error TEXT,
  result_ref TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  heartbeat_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX jobs_status ON jobs (status, seq);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('planner', 'analyst', 'finance', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
`;

const postgres = `
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_columns JSON NOT NULL,
  time_zone TEXT NOT NULL,
  row_count BIGINT NOT NULL DEFAULT 0,
  series_count INTEGER NOT NULL DEFAULT 0,
  first_ts BIGINT,
  last_ts BIGINT,
  sha256 TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE dataset_series (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  PRIMARY KEY (dataset_id, series_key)
);
CREATE TABLE volume_rows (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  ts BIGINT NOT NULL,
  volume DOUBLE PRECISION NOT NULL CHECK (volume >= 0 AND volume <> 'NaN'::float8),
  PRIMARY KEY (dataset_id, series_key, ts)
);

CREATE TABLE documents (
  kind TEXT NOT NULL CHECK (kind IN ('events', 'config')),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE document_versions (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  doc JSON NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id, version),
  FOREIGN KEY (kind, id) REFERENCES documents(kind, id) ON DELETE CASCADE
);

CREATE TABLE forecasts (
  id TEXT PRIMARY KEY,
  dataset_id TEXT,
  dataset_version INTEGER,
  job_id TEXT,
  params JSON NOT NULL,
  head JSON NOT NULL,
  series_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX forecasts_dataset ON forecasts (dataset_id, created_at);
CREATE TABLE forecast_series (
  forecast_id TEXT NOT NULL REFERENCES forecasts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  series_id TEXT NOT NULL,
  series_key JSON NOT NULL,
  model TEXT NOT NULL,
  doc JSON NOT NULL,
  PRIMARY KEY (forecast_id, seq),
  UNIQUE (forecast_id, series_id)
);

CREATE TABLE results (
  kind TEXT NOT NULL CHECK (kind IN ('anomalies', 'investigation')),
  id TEXT NOT NULL,
  dataset_id TEXT,
  forecast_id TEXT,
  job_id TEXT,
  params JSON NOT NULL,
  doc JSON NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  forecast_id TEXT NOT NULL,
  config_id TEXT NOT NULL,
  config_version INTEGER NOT NULL,
  scenarios JSON NOT NULL,
  reporting_currency TEXT NOT NULL,
  job_id TEXT,
  provenance JSON NOT NULL,
  doc JSON NOT NULL,
  cost_count INTEGER NOT NULL,
  requirement_count INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  write_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX plans_forecast ON plans (forecast_id);
CREATE INDEX plans_config ON plans (config_id);
CREATE TABLE plan_costs (
  plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  site TEXT NOT NULL,
  language TEXT NOT NULL,
  month TEXT NOT NULL,
  component TEXT NOT NULL,
  currency TEXT NOT NULL,
  cost DOUBLE PRECISION NOT NULL CHECK (cost <> 'NaN'::float8),
  cost_reporting DOUBLE PRECISION NOT NULL CHECK (cost_reporting <> 'NaN'::float8),
  PRIMARY KEY (plan_id, seq)
);
CREATE TABLE plan_requirements (
  plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  site TEXT NOT NULL,
  language TEXT NOT NULL,
  week INTEGER NOT NULL,
  week_start TEXT NOT NULL,
  required_fte DOUBLE PRECISION NOT NULL,
  paid_headcount DOUBLE PRECISION NOT NULL,
  detail JSON NOT NULL,
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE jobs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('forecast', 'plan')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  params JSON NOT NULL,
  progress DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  progress_message TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  worker_id TEXT,
  error TEXT,
  result_ref TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  heartbeat_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX jobs_status ON jobs (status, seq);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('planner', 'analyst', 'finance', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
`;

/** The first schema. */
export const initial: Migration = { version: 1, name: 'initial', sqlite, postgres };
