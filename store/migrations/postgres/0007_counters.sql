-- Maintained 附件2 counters (domain/counters.go): one row per place — campaign,
-- town-level unit (org_id) and village (village_id, 0 for none) — with every
-- 附件2 figure (counts; amounts in fen), the inspected sites, live 挂牌督办 and
-- the case count of each status. Every use case that changes a case or a
-- site's first inspection changes its place's row in the same transaction
-- (app/counters.go); `zhengzhi counters verify` proves them equal to a
-- recount. The rows of the data stored before are built by the migration's
-- Go step (store/counters.go buildCounters).
CREATE TABLE summary_counters (
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	org_id      BIGINT NOT NULL,
	village_id  BIGINT NOT NULL DEFAULT 0,
	inspected_xiaozitou       BIGINT NOT NULL DEFAULT 0,
	inspected_stopped         BIGINT NOT NULL DEFAULT 0,
	problems                  BIGINT NOT NULL DEFAULT 0,
	smelting                  BIGINT NOT NULL DEFAULT 0,
	electroplating            BIGINT NOT NULL DEFAULT 0,
	spraying                  BIGINT NOT NULL DEFAULT 0,
	dyeing                    BIGINT NOT NULL DEFAULT 0,
	dust                      BIGINT NOT NULL DEFAULT 0,
	other                     BIGINT NOT NULL DEFAULT 0,
	stopped                   BIGINT NOT NULL DEFAULT 0,
	rectified                 BIGINT NOT NULL DEFAULT 0,
	two_cuts_three_clears     BIGINT NOT NULL DEFAULT 0,
	case_filed                BIGINT NOT NULL DEFAULT 0,
	fine_fen                  BIGINT NOT NULL DEFAULT 0,
	confiscated_fen           BIGINT NOT NULL DEFAULT 0,
	judicial_transfers        BIGINT NOT NULL DEFAULT 0,
	detained_persons          BIGINT NOT NULL DEFAULT 0,
	disciplined_persons       BIGINT NOT NULL DEFAULT 0,
	inspected                 BIGINT NOT NULL DEFAULT 0,
	supervised                BIGINT NOT NULL DEFAULT 0,
	status_registered         BIGINT NOT NULL DEFAULT 0,
	status_rectifying         BIGINT NOT NULL DEFAULT 0,
	status_closeout_requested BIGINT NOT NULL DEFAULT 0,
	status_village_approved   BIGINT NOT NULL DEFAULT 0,
	status_town_approved      BIGINT NOT NULL DEFAULT 0,
	status_closed_out         BIGINT NOT NULL DEFAULT 0,
	status_voided             BIGINT NOT NULL DEFAULT 0,
	revision                  BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, org_id, village_id)
);

-- The same figures of each town as a whole (its places added up), changed
-- with them in the same statement pair (store.Tx.AddCounters): a roll-up
-- above the towns reads one row per town. revision grows with every change
-- to any of the town's places: a town's weekly snapshot, built outside the
-- write transaction, commits only if it is unchanged.
CREATE TABLE summary_counters_town (
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	org_id      BIGINT NOT NULL,
	inspected_xiaozitou       BIGINT NOT NULL DEFAULT 0,
	inspected_stopped         BIGINT NOT NULL DEFAULT 0,
	problems                  BIGINT NOT NULL DEFAULT 0,
	smelting                  BIGINT NOT NULL DEFAULT 0,
	electroplating            BIGINT NOT NULL DEFAULT 0,
	spraying                  BIGINT NOT NULL DEFAULT 0,
	dyeing                    BIGINT NOT NULL DEFAULT 0,
	dust                      BIGINT NOT NULL DEFAULT 0,
	other                     BIGINT NOT NULL DEFAULT 0,
	stopped                   BIGINT NOT NULL DEFAULT 0,
	rectified                 BIGINT NOT NULL DEFAULT 0,
	two_cuts_three_clears     BIGINT NOT NULL DEFAULT 0,
	case_filed                BIGINT NOT NULL DEFAULT 0,
	fine_fen                  BIGINT NOT NULL DEFAULT 0,
	confiscated_fen           BIGINT NOT NULL DEFAULT 0,
	judicial_transfers        BIGINT NOT NULL DEFAULT 0,
	detained_persons          BIGINT NOT NULL DEFAULT 0,
	disciplined_persons       BIGINT NOT NULL DEFAULT 0,
	inspected                 BIGINT NOT NULL DEFAULT 0,
	supervised                BIGINT NOT NULL DEFAULT 0,
	status_registered         BIGINT NOT NULL DEFAULT 0,
	status_rectifying         BIGINT NOT NULL DEFAULT 0,
	status_closeout_requested BIGINT NOT NULL DEFAULT 0,
	status_village_approved   BIGINT NOT NULL DEFAULT 0,
	status_town_approved      BIGINT NOT NULL DEFAULT 0,
	status_closed_out         BIGINT NOT NULL DEFAULT 0,
	status_voided             BIGINT NOT NULL DEFAULT 0,
	revision                  BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, org_id)
);

-- A weekly submission's frozen 附件1 rows (10,000 cases are ~10 MB of JSON)
-- go to the blob store before the write transaction that submits, so that
-- the single writer never writes them; the report keeps their digest. An
-- empty digest: the rows are in problems, as before this migration.
ALTER TABLE weekly_reports ADD COLUMN problems_blob TEXT NOT NULL DEFAULT '';
