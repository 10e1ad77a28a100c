-- Maintained 附件2 counters (domain/counters.go): one row per place — campaign,
-- town-level unit (org_id) and village (village_id, 0 for none) — with every
-- 附件2 figure (counts; amounts in fen), the inspected sites, live 挂牌督办 and
-- the case count of each status. Every use case that changes a case or a
-- site's first inspection changes its place's row in the same transaction
-- (app/counters.go); `zhengzhi counters verify` proves them equal to a
-- recount. The rows of the data stored before are built by the migration's
-- Go step (store/counters.go buildCounters).
CREATE TABLE summary_counters (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
	org_id      INTEGER NOT NULL,
	village_id  INTEGER NOT NULL DEFAULT 0,
	inspected_xiaozitou       INTEGER NOT NULL DEFAULT 0,
	inspected_stopped         INTEGER NOT NULL DEFAULT 0,
	problems                  INTEGER NOT NULL DEFAULT 0,
	smelting                  INTEGER NOT NULL DEFAULT 0,
	electroplating            INTEGER NOT NULL DEFAULT 0,
	spraying                  INTEGER NOT NULL DEFAULT 0,
	dyeing                    INTEGER NOT NULL DEFAULT 0,
	dust                      INTEGER NOT NULL DEFAULT 0,
	other                     INTEGER NOT NULL DEFAULT 0,
	stopped                   INTEGER NOT NULL DEFAULT 0,
	rectified                 INTEGER NOT NULL DEFAULT 0,
	two_cuts_three_clears     INTEGER NOT NULL DEFAULT 0,
	case_filed                INTEGER NOT NULL DEFAULT 0,
	fine_fen                  INTEGER NOT NULL DEFAULT 0,
	confiscated_fen           INTEGER NOT NULL DEFAULT 0,
	judicial_transfers        INTEGER NOT NULL DEFAULT 0,
	detained_persons          INTEGER NOT NULL DEFAULT 0,
	disciplined_persons       INTEGER NOT NULL DEFAULT 0,
	inspected                 INTEGER NOT NULL DEFAULT 0,
	supervised                INTEGER NOT NULL DEFAULT 0,
	status_registered         INTEGER NOT NULL DEFAULT 0,
	status_rectifying         INTEGER NOT NULL DEFAULT 0,
	status_closeout_requested INTEGER NOT NULL DEFAULT 0,
	status_village_approved   INTEGER NOT NULL DEFAULT 0,
	status_town_approved      INTEGER NOT NULL DEFAULT 0,
	status_closed_out         INTEGER NOT NULL DEFAULT 0,
	status_voided             INTEGER NOT NULL DEFAULT 0,
	revision                  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, org_id, village_id)
) WITHOUT ROWID;

-- The same figures of each town as a whole (its places added up), changed
-- with them in the same statement pair (store.Tx.AddCounters): a roll-up
-- above the towns reads one row per town. revision grows with every change
-- to any of the town's places: a town's weekly snapshot, built outside the
-- write transaction, commits only if it is unchanged.
CREATE TABLE summary_counters_town (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
	org_id      INTEGER NOT NULL,
	inspected_xiaozitou       INTEGER NOT NULL DEFAULT 0,
	inspected_stopped         INTEGER NOT NULL DEFAULT 0,
	problems                  INTEGER NOT NULL DEFAULT 0,
	smelting                  INTEGER NOT NULL DEFAULT 0,
	electroplating            INTEGER NOT NULL DEFAULT 0,
	spraying                  INTEGER NOT NULL DEFAULT 0,
	dyeing                    INTEGER NOT NULL DEFAULT 0,
	dust                      INTEGER NOT NULL DEFAULT 0,
	other                     INTEGER NOT NULL DEFAULT 0,
	stopped                   INTEGER NOT NULL DEFAULT 0,
	rectified                 INTEGER NOT NULL DEFAULT 0,
	two_cuts_three_clears     INTEGER NOT NULL DEFAULT 0,
	case_filed                INTEGER NOT NULL DEFAULT 0,
	fine_fen                  INTEGER NOT NULL DEFAULT 0,
	confiscated_fen           INTEGER NOT NULL DEFAULT 0,
	judicial_transfers        INTEGER NOT NULL DEFAULT 0,
	detained_persons          INTEGER NOT NULL DEFAULT 0,
	disciplined_persons       INTEGER NOT NULL DEFAULT 0,
	inspected                 INTEGER NOT NULL DEFAULT 0,
	supervised                INTEGER NOT NULL DEFAULT 0,
	status_registered         INTEGER NOT NULL DEFAULT 0,
	status_rectifying         INTEGER NOT NULL DEFAULT 0,
	status_closeout_requested INTEGER NOT NULL DEFAULT 0,
	status_village_approved   INTEGER NOT NULL DEFAULT 0,
	status_town_approved      INTEGER NOT NULL DEFAULT 0,
	status_closed_out         INTEGER NOT NULL DEFAULT 0,
	status_voided             INTEGER NOT NULL DEFAULT 0,
	revision                  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, org_id)
) WITHOUT ROWID;

-- A weekly submission's frozen 附件1 rows (10,000 cases are ~10 MB of JSON)
-- go to the blob store before the write transaction that submits, so that
-- the single writer never writes them; the report keeps their digest. An
-- empty digest: the rows are in problems, as before this migration.
ALTER TABLE weekly_reports ADD COLUMN problems_blob TEXT NOT NULL DEFAULT '';
