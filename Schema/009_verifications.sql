-- Parley schema 009: what each full verification found sound.
--
-- `parley verify` walks the whole hash chain; on a sound log it records the
-- position and hash it reached. `parley verify --quick` then checks that the
-- recorded hash is still the one stored at that position and walks the
-- chain only from there, next to SQLite's quick check: minutes become
-- seconds on a large log, at the price of trusting what was verified before.
-- Not an event: verifying changes nothing in the log's history.

CREATE TABLE verifications (
    position    INTEGER PRIMARY KEY,  -- the last position the walk reached
    hash        BLOB NOT NULL,        -- the stored hash at that position
    events      INTEGER NOT NULL,     -- events checked
    verified_at TEXT NOT NULL         -- RFC 3339
);
