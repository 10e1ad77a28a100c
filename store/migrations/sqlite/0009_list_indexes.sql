-- The list indexes (issue [6]): a scoped list filters cases and sites by
-- equality on their place columns (domain.ScopeFilter: org_id = town,
-- village_id = village, or no place filter at the root) and reads its page
-- in order from one of these, from the start or from a keyset cursor
-- (…, problem_no, id) > (?, ?). Each with status for a status filter, and
-- without for the unfiltered list. COUNT(*) of a list reads the same index
-- and no table row.
CREATE INDEX cases_list_town_status ON cases(campaign_id, org_id, status, problem_no, id);
CREATE INDEX cases_list_town ON cases(campaign_id, org_id, problem_no, id);
CREATE INDEX cases_list_village_status ON cases(campaign_id, village_id, status, problem_no, id);
CREATE INDEX cases_list_village ON cases(campaign_id, village_id, problem_no, id);
CREATE INDEX cases_list_status ON cases(campaign_id, status, problem_no, id);
CREATE INDEX cases_list ON cases(campaign_id, problem_no, id);
-- A strict prefix of cases_list_status.
DROP INDEX cases_campaign_status;

-- The site list: newest first within a town (a village's is sites_village:
-- an SQLite index ends with the rowid, which is the id).
CREATE INDEX sites_list_town ON sites(org_id, id);
