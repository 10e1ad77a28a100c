-- Site register, inspections, cases (问题), problem numbers, attachments and
-- idempotency keys. Instants are fixed-width UTC text, dates 'YYYY-MM-DD'
-- ('' when unset); JSON columns are text.

-- 场所/企业. org_id is the town-level unit; village_id, when set, lies under it.
CREATE TABLE sites (
	id               INTEGER PRIMARY KEY,
	org_id           INTEGER NOT NULL REFERENCES org_units(id),
	village_id       INTEGER REFERENCES org_units(id),
	name             TEXT NOT NULL,
	credit_code      TEXT NOT NULL DEFAULT '',  -- 统一社会信用代码, normalised; '' for 无证无照
	target_type      TEXT NOT NULL,             -- xiaozitou | stopped
	address          TEXT NOT NULL DEFAULT '',
	person_in_charge TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL DEFAULT '',
	lat              REAL,                      -- WGS-84
	lng              REAL,
	state            TEXT NOT NULL,             -- producing | suspended | closed | banned
	lists            TEXT NOT NULL DEFAULT '[]',
	name_norm        TEXT NOT NULL,             -- domain.NormalizeName, for duplicate detection
	address_norm     TEXT NOT NULL,
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       TEXT NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       TEXT NOT NULL
);
CREATE INDEX sites_org ON sites(org_id, name_norm, address_norm);
CREATE INDEX sites_village ON sites(village_id);
CREATE INDEX sites_place ON sites((COALESCE(village_id, org_id)));
CREATE INDEX sites_credit_code ON sites(credit_code) WHERE credit_code <> '';

-- 排查记录: one visit to a site in a campaign.
CREATE TABLE inspections (
	id           INTEGER PRIMARY KEY,
	campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
	site_id      INTEGER NOT NULL REFERENCES sites(id),
	inspected_at TEXT NOT NULL,
	inspectors   TEXT NOT NULL DEFAULT '',
	lat          REAL,
	lng          REAL,
	outcome      TEXT NOT NULL,                 -- no_problem | problem
	note         TEXT NOT NULL DEFAULT '',
	created_by   INTEGER REFERENCES users(id),
	created_at   TEXT NOT NULL
);
CREATE INDEX inspections_campaign_site ON inspections(campaign_id, site_id);
CREATE INDEX inspections_site ON inspections(site_id);

-- 问题: one row of 附件1, one per site and campaign.
CREATE TABLE cases (
	id                  INTEGER PRIMARY KEY,
	problem_no          TEXT NOT NULL UNIQUE,   -- {prefix}-{YYYY}-{NNNN}
	source_no           TEXT NOT NULL DEFAULT '',
	campaign_id         INTEGER NOT NULL REFERENCES campaigns(id),
	org_id              INTEGER NOT NULL REFERENCES org_units(id),
	village_id          INTEGER REFERENCES org_units(id),
	site_id             INTEGER NOT NULL REFERENCES sites(id),
	unit_name           TEXT NOT NULL,
	category            TEXT NOT NULL,
	address             TEXT NOT NULL,
	person_in_charge    TEXT NOT NULL DEFAULT '',
	description         TEXT NOT NULL,
	source              TEXT NOT NULL,
	shutdown            TEXT NOT NULL DEFAULT 'none',
	shutdown_date       TEXT NOT NULL DEFAULT '',
	clears              TEXT NOT NULL DEFAULT '{}', -- JSON {item: done}
	clear_dates         TEXT NOT NULL DEFAULT '{}', -- JSON {item: date}
	case_filed          INTEGER NOT NULL DEFAULT 0,
	case_no             TEXT NOT NULL DEFAULT '',
	fine_fen            INTEGER NOT NULL DEFAULT 0,
	confiscated_fen     INTEGER NOT NULL DEFAULT 0,
	judicial_transfer   INTEGER NOT NULL DEFAULT 0,
	judicial_persons    INTEGER NOT NULL DEFAULT 0,
	detained_persons    INTEGER NOT NULL DEFAULT 0,
	disciplined_persons INTEGER NOT NULL DEFAULT 0,
	onsite_status       TEXT NOT NULL DEFAULT 'not_started',
	onsite_done_date    TEXT NOT NULL DEFAULT '',
	rectify_deadline    TEXT NOT NULL DEFAULT '',
	supervised          INTEGER NOT NULL DEFAULT 0,
	supervised_deadline TEXT NOT NULL DEFAULT '',
	status              TEXT NOT NULL,
	published           INTEGER NOT NULL DEFAULT 0,
	version             INTEGER NOT NULL DEFAULT 1,
	created_by          INTEGER REFERENCES users(id),
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	closed_at           TEXT,
	UNIQUE (campaign_id, site_id)
);
CREATE INDEX cases_place ON cases((COALESCE(village_id, org_id)));
CREATE INDEX cases_org ON cases(org_id, campaign_id);
CREATE INDEX cases_village ON cases(village_id);
CREATE INDEX cases_campaign_status ON cases(campaign_id, status);
CREATE INDEX cases_category ON cases(campaign_id, category);
CREATE INDEX cases_updated ON cases(updated_at);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_deadline ON cases(rectify_deadline) WHERE rectify_deadline <> '';
CREATE INDEX cases_site ON cases(site_id);

-- 问题编号 sequences: next_no is the next number to give for prefix and year.
CREATE TABLE problem_no_counters (
	prefix  TEXT NOT NULL,
	year    INTEGER NOT NULL,
	next_no INTEGER NOT NULL,
	PRIMARY KEY (prefix, year)
);

-- 档案材料. The bytes live once per sha256 under DataDir/files/, outside the database.
CREATE TABLE attachments (
	id            INTEGER PRIMARY KEY,
	sha256        TEXT NOT NULL,
	size          INTEGER NOT NULL,
	content_type  TEXT NOT NULL,
	kind          TEXT NOT NULL,
	filename      TEXT NOT NULL DEFAULT '',
	case_id       INTEGER REFERENCES cases(id),
	inspection_id INTEGER REFERENCES inspections(id),
	uploaded_by   INTEGER REFERENCES users(id),
	uploaded_at   TEXT NOT NULL,
	lat           REAL,
	lng           REAL
);
CREATE INDEX attachments_case ON attachments(case_id);
CREATE INDEX attachments_inspection ON attachments(inspection_id);
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- A client's retry of a create with the same key returns the first record.
CREATE TABLE idempotency_keys (
	key        TEXT NOT NULL,
	user_id    INTEGER NOT NULL,                -- 0 for the system
	entity     TEXT NOT NULL,
	entity_id  INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (user_id, key)
);
