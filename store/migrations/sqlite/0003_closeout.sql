-- The closed loop (DESIGN.md §2): signatures (签字) on case approvals and
-- returns, and heads' delegations of signing (授权签字). Re-checks of shut
-- sites are inspections (0002) and need no table of their own.

-- 签字: one approve or return of a case, bound to the SHA-256 of the case's
-- canonical content (domain.ContentHash). superseded_at is set when the case
-- becomes editable again (returned or reopened): from then on its content may
-- change legitimately, and the signature is no longer checked against it.
CREATE TABLE signoffs (
	id                   INTEGER PRIMARY KEY,
	case_id              INTEGER NOT NULL REFERENCES cases(id),
	user_id              INTEGER REFERENCES users(id),  -- NULL for the system
	user_name            TEXT NOT NULL,
	role                 TEXT NOT NULL,                 -- the role signed as (the head's, when delegated)
	org_id               INTEGER REFERENCES org_units(id),
	on_behalf_of_user_id INTEGER REFERENCES users(id),  -- the head, when delegated
	on_behalf_of_name    TEXT NOT NULL DEFAULT '',
	decision             TEXT NOT NULL,                 -- approve | return
	reason               TEXT NOT NULL DEFAULT '',
	from_status          TEXT NOT NULL,
	to_status            TEXT NOT NULL,
	at                   TEXT NOT NULL,
	content_hash         TEXT NOT NULL,                 -- hex SHA-256 of the canonical content
	superseded_at        TEXT
);
CREATE INDEX signoffs_case ON signoffs(case_id, id);

-- 授权签字: a head lets a named officer of the same unit sign for a period.
CREATE TABLE delegations (
	id               INTEGER PRIMARY KEY,
	head_user_id     INTEGER NOT NULL REFERENCES users(id),
	head_name        TEXT NOT NULL,
	delegate_user_id INTEGER NOT NULL REFERENCES users(id),
	delegate_name    TEXT NOT NULL,
	org_id           INTEGER NOT NULL REFERENCES org_units(id), -- the head's unit
	role             TEXT NOT NULL,                             -- the head's role
	from_at          TEXT NOT NULL,
	until_at         TEXT NOT NULL,
	reason           TEXT NOT NULL DEFAULT '',
	revoked_at       TEXT,
	created_at       TEXT NOT NULL
);
CREATE INDEX delegations_delegate ON delegations(delegate_user_id, until_at);
CREATE INDEX delegations_head ON delegations(head_user_id);
CREATE INDEX delegations_org ON delegations(org_id);
