-- Parley schema 007: the server's access tokens.
--
-- A token's secret is shown once, when it is issued, and never stored:
-- this table keeps its SHA-256 only. It lives beside the log, not in it:
-- the events `token.issued` and `token.revoked` say who had access when,
-- and are written in the same transaction as the row here. Exports and
-- the hash chain never see this table.

CREATE TABLE tokens (
    id            TEXT PRIMARY KEY,          -- the token's public id, as in its events
    member        TEXT NOT NULL,             -- whose it is
    label         TEXT,
    secret_sha256 BLOB NOT NULL,             -- SHA-256 of the whole token text
    issued_at     TEXT NOT NULL,             -- RFC 3339
    expires_at    TEXT,                      -- RFC 3339, or NULL: never
    revoked_at    TEXT                       -- RFC 3339, or NULL: in force
) WITHOUT ROWID;

CREATE INDEX tokens_by_member ON tokens (member);
