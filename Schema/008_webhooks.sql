-- Parley schema 008: where the server posts events, and how far it got.
--
-- Beside the log, like tokens: the events `webhook.added` and
-- `webhook.removed` say who aimed the server where and when (written in the
-- same transaction as the row here); the secret that signs deliveries, and
-- the delivery state, are kept only here. A restart resumes after
-- `delivered_up_to`: delivery is at least once, in order per webhook.

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,        -- W-1, as in its events
    url             TEXT NOT NULL,
    types           TEXT,                    -- comma-separated patterns (tension.*), or NULL: all
    format          TEXT NOT NULL,           -- json | slack
    secret          TEXT,                    -- HMAC-SHA256 key, or NULL: unsigned
    delivered_up_to INTEGER NOT NULL,        -- the last position delivered (or skipped as not matching)
    failures        INTEGER NOT NULL DEFAULT 0,  -- failed attempts in a row
    last_failure    TEXT,                    -- what the last failed attempt got
    last_failure_at TEXT,                    -- RFC 3339
    removed_at      TEXT                     -- RFC 3339, or NULL: in use
) WITHOUT ROWID;
