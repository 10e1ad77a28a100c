-- 两断三清 done (domain.Case.ClearsComplete), derived by the domain on every
-- write of a case and stored so that SQL can count it (附件2 col 13, 附件1
-- col 16 read the same flag). The cases stored before are derived by the
-- migration's Go step (store/case.go backfillClearsDone).
ALTER TABLE cases ADD COLUMN clears_done INTEGER NOT NULL DEFAULT 0;
