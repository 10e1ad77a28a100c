-- Foundation: org tree, users, tokens, campaigns, the audit chain.
-- Instants are fixed-width UTC text (see store/tx.go), dates 'YYYY-MM-DD'.
CREATE TABLE org_units (
	id        INTEGER PRIMARY KEY,
	code      TEXT UNIQUE,                 -- 12-digit 统计用区划代码, NULL when none
	name      TEXT NOT NULL,
	kind      TEXT NOT NULL,
	level     INTEGER NOT NULL,
	parent_id INTEGER REFERENCES org_units(id),
	prefix    TEXT NOT NULL DEFAULT '',    -- 问题编号 prefix of a town
	path      TEXT NOT NULL DEFAULT ''     -- '/1/4/17/' for subtree scope checks
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);
CREATE UNIQUE INDEX org_units_prefix ON org_units(prefix) WHERE prefix <> '';

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL,
	role          TEXT NOT NULL,
	org_id        INTEGER NOT NULL REFERENCES org_units(id),
	password_hash TEXT NOT NULL,
	active        INTEGER NOT NULL DEFAULT 1,
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

-- API bearer tokens and browser sessions; only a SHA-256 of the secret is kept.
CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id),
	kind         TEXT NOT NULL,            -- 'api' | 'session'
	token_hash   TEXT NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	revoked_at   TEXT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE campaigns (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL,
	doc_no           TEXT NOT NULL DEFAULT '',
	start_date       TEXT NOT NULL,
	end_date         TEXT NOT NULL,
	deadline_weekday INTEGER NOT NULL,
	deadline_time    TEXT NOT NULL,
	time_zone        TEXT NOT NULL,
	summary_due_date TEXT NOT NULL DEFAULT '',
	categories       TEXT NOT NULL,        -- JSON array of category codes
	clear_items      TEXT NOT NULL,        -- JSON array of 两断三清 item codes
	recheck_days     INTEGER NOT NULL,
	supervised_days  INTEGER NOT NULL,
	reward_rule      TEXT NOT NULL DEFAULT '',
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL
);

-- The audit chain. seq is assigned by the program (last + 1) so that a gap
-- shows; at is kept as the exact text that was hashed.
CREATE TABLE audit_events (
	seq         INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	actor_id    INTEGER,
	actor_name  TEXT NOT NULL,
	role        TEXT NOT NULL,
	action      TEXT NOT NULL,
	entity      TEXT NOT NULL,
	entity_id   INTEGER NOT NULL,
	before_json TEXT NOT NULL,
	after_json  TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
