-- Public tips (举报, 12350 有奖举报), their files, the outbox to the city's
-- 12350 platform, the campaigns' reward rules and the Open311 partner keys.
-- Instants are fixed-width UTC text, dates 'YYYY-MM-DD' ('' when unset).

-- 举报. org_id is the town it is dispatched to (NULL before), village_id a
-- village under it: a town's list filters by equality. The reporter's
-- identity is only ever stored sealed (AES-256-GCM, key outside the database).
CREATE TABLE tips (
	id                 INTEGER PRIMARY KEY,
	campaign_id        INTEGER NOT NULL REFERENCES campaigns(id),
	channel            TEXT NOT NULL,             -- hotline | web | letter | visit | open311
	ref_no             TEXT NOT NULL DEFAULT '',  -- 12350 platform number
	category           TEXT NOT NULL,
	unit_name          TEXT NOT NULL DEFAULT '',
	address            TEXT NOT NULL DEFAULT '',
	lat                REAL,
	lng                REAL,
	description        TEXT NOT NULL,
	media_url          TEXT NOT NULL DEFAULT '',
	reporter_sealed    TEXT NOT NULL DEFAULT '',
	anonymous          INTEGER NOT NULL,
	contactable        INTEGER NOT NULL,
	partner            TEXT NOT NULL DEFAULT '',
	follow_hash        TEXT NOT NULL UNIQUE,      -- sha256 of the follow code
	status             TEXT NOT NULL,
	org_id             INTEGER REFERENCES org_units(id),
	village_id         INTEGER REFERENCES org_units(id),
	dispatched_at      TEXT,
	verify_note        TEXT NOT NULL DEFAULT '',
	verified_at        TEXT,
	duplicate_of       INTEGER REFERENCES tips(id),
	case_id            INTEGER REFERENCES cases(id),
	feedback           TEXT NOT NULL DEFAULT '',
	feedback_at        TEXT,
	feedback_due       TEXT NOT NULL DEFAULT '',
	reward_status      TEXT NOT NULL DEFAULT 'none',
	reward_fen         INTEGER NOT NULL DEFAULT 0,
	reward_approved_at TEXT,
	reward_pay_due     TEXT NOT NULL DEFAULT '',
	reward_paid_date   TEXT NOT NULL DEFAULT '',
	reward_method      TEXT NOT NULL DEFAULT '',
	reward_paid_ref    TEXT NOT NULL DEFAULT '',
	reward_note        TEXT NOT NULL DEFAULT '',
	received_at        TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tips_campaign_received ON tips(campaign_id, received_at);
CREATE INDEX tips_org ON tips(org_id, campaign_id);
CREATE INDEX tips_village ON tips(village_id);
CREATE INDEX tips_case ON tips(case_id);
CREATE INDEX tips_status ON tips(campaign_id, status);

-- Photos sent with a tip and evidence added when it is verified. The bytes
-- live once per sha256 under DataDir/files/, as attachments do.
CREATE TABLE tip_files (
	id           INTEGER PRIMARY KEY,
	tip_id       INTEGER NOT NULL REFERENCES tips(id),
	kind         TEXT NOT NULL,                   -- report | evidence
	sha256       TEXT NOT NULL,
	size         INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	filename     TEXT NOT NULL DEFAULT '',
	uploaded_by  INTEGER REFERENCES users(id),
	uploaded_at  TEXT NOT NULL
);
CREATE INDEX tip_files_tip ON tip_files(tip_id);

-- Deliveries of tips to the city's 12350 platform, written in the tip's own
-- transaction; the worker posts each with the same Idempotency-Key until a 2xx.
CREATE TABLE tip_outbox (
	id              INTEGER PRIMARY KEY,
	tip_id          INTEGER NOT NULL UNIQUE REFERENCES tips(id),
	idempotency_key TEXT NOT NULL UNIQUE,
	created_at      TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	delivered_at    TEXT,
	exported_at     TEXT
);
CREATE INDEX tip_outbox_due ON tip_outbox(next_attempt_at) WHERE delivered_at IS NULL;

-- A campaign's reward rule; a campaign without a row uses the default.
CREATE TABLE tip_reward_rules (
	campaign_id   INTEGER PRIMARY KEY REFERENCES campaigns(id),
	rate_bp       INTEGER NOT NULL,
	min_fen       INTEGER NOT NULL,
	max_fen       INTEGER NOT NULL,
	pay_days      INTEGER NOT NULL,
	feedback_days INTEGER NOT NULL,
	updated_at    TEXT NOT NULL
);

-- Open311 partner apps' API keys, stored hashed.
CREATE TABLE open311_keys (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	key_hash   TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
