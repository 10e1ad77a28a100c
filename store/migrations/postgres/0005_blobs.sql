-- Uploaded files (attachments, sealed scans) by SHA-256 when the store is
-- PostgreSQL, so that every app instance on the database serves every file
-- and keeps none on disk (store/blob_postgres.go). The bytes are stored out
-- of line uncompressed (photos and PDFs are compressed already), so that a
-- download reads a slice with substring() without fetching the whole value.
CREATE TABLE blobs (
	sha256     TEXT PRIMARY KEY,
	size       BIGINT NOT NULL,
	data       BYTEA NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;
