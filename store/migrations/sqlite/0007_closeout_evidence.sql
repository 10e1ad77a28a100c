-- The evidence a 销号 request needs (DESIGN.md §7): the campaign's rule
-- (domain.EvidenceRule as JSON; '' is the default rule, domain.Campaign.Evidence)
-- and, on each 两断三清照片, the checklist item it shows.
ALTER TABLE campaigns ADD COLUMN closeout_evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN item TEXT NOT NULL DEFAULT '';
