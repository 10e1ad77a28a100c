-- Weekly reports (周报, DESIGN.md §4), moved deadlines, exemptions and the
-- final campaign summary (专项整治行动总结). Instants are fixed-width UTC text.

-- One report per town and deadline. summary and problems hold the frozen
-- 附件2 row (domain.SummaryRow) and 附件1 rows ([]domain.Case) of the latest
-- submission; they are written only by a submission and never touched by a
-- later change to the cases.
CREATE TABLE weekly_reports (
	id                 INTEGER PRIMARY KEY,
	campaign_id        INTEGER NOT NULL REFERENCES campaigns(id),
	org_id             INTEGER NOT NULL REFERENCES org_units(id), -- town level
	deadline           TEXT NOT NULL,
	status             TEXT NOT NULL,          -- draft | submitted | returned | accepted
	first_submitted_at TEXT,
	submitted_at       TEXT,
	on_time            INTEGER,                -- NULL until first submitted
	late_reason        TEXT NOT NULL DEFAULT '',
	submitted_by       INTEGER REFERENCES users(id),
	submitted_by_name  TEXT NOT NULL DEFAULT '',
	submitted_for      TEXT NOT NULL DEFAULT '', -- the head an officer submits for, or 代报
	summary            TEXT NOT NULL DEFAULT 'null',
	problems           TEXT NOT NULL DEFAULT '[]',
	validation         TEXT NOT NULL DEFAULT '{}',
	return_reason      TEXT NOT NULL DEFAULT '',
	reviewed_by_name   TEXT NOT NULL DEFAULT '',
	reviewed_at        TEXT,
	version            INTEGER NOT NULL DEFAULT 1,
	created_by         INTEGER REFERENCES users(id),
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	UNIQUE (campaign_id, org_id, deadline)
);
CREATE INDEX weekly_reports_deadline ON weekly_reports(campaign_id, deadline);

-- The history of a report: prepare, submit, accept, return.
CREATE TABLE report_events (
	id         INTEGER PRIMARY KEY,
	report_id  INTEGER NOT NULL REFERENCES weekly_reports(id),
	action     TEXT NOT NULL,
	actor_id   INTEGER REFERENCES users(id),
	actor_name TEXT NOT NULL,
	role       TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL,
	version    INTEGER NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id);

-- A week's deadline moved (国庆 and other holidays); week is the regular
-- deadline's date, the week's stable key.
CREATE TABLE deadline_overrides (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
	week        TEXT NOT NULL,
	deadline    TEXT NOT NULL,
	reason      TEXT NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	created_at  TEXT NOT NULL,
	UNIQUE (campaign_id, week)
);

-- A town excused from one week's report.
CREATE TABLE report_exemptions (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
	org_id      INTEGER NOT NULL REFERENCES org_units(id),
	deadline    TEXT NOT NULL,
	reason      TEXT NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	created_at  TEXT NOT NULL,
	UNIQUE (campaign_id, org_id, deadline)
);

-- 专项整治行动总结: one per town and campaign; the sealed scan is a blob
-- stored by SHA-256 (as attachments are), the head's sign-off covers it.
CREATE TABLE final_summaries (
	id             INTEGER PRIMARY KEY,
	campaign_id    INTEGER NOT NULL REFERENCES campaigns(id),
	org_id         INTEGER NOT NULL REFERENCES org_units(id),
	sha256         TEXT NOT NULL,
	size           INTEGER NOT NULL,
	content_type   TEXT NOT NULL,
	filename       TEXT NOT NULL DEFAULT '',
	uploaded_by    INTEGER REFERENCES users(id),
	uploaded_name  TEXT NOT NULL DEFAULT '',
	uploaded_at    TEXT NOT NULL,
	signed_by      INTEGER REFERENCES users(id),
	signed_name    TEXT NOT NULL DEFAULT '',
	signed_for     TEXT NOT NULL DEFAULT '',
	signed_at      TEXT,
	signed_sha256  TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1,
	UNIQUE (campaign_id, org_id)
);
