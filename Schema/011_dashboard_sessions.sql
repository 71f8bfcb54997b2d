-- Parley schema 011: the dashboard's signed-in browsers.
--
-- A browser that signs in to the dashboard with a token gets a session
-- cookie. This table keeps the cookie's SHA-256, never the cookie itself,
-- so that sessions outlive a restart of `parley serve`. Not events: signing
-- in changes nothing in the log's history (the token it proved is there).
-- Exports and the hash chain never see this table.

CREATE TABLE dashboard_sessions (
    id_sha256  BLOB PRIMARY KEY,   -- SHA-256 of the cookie's value
    member     TEXT NOT NULL,      -- who signed in
    token_id   TEXT NOT NULL,      -- the token they proved: revoking it ends the session
    csrf       TEXT NOT NULL,      -- what every form of the session carries
    opened_at  INTEGER NOT NULL    -- microseconds since 1970 (UTC)
) WITHOUT ROWID;
