-- Parley schema 001: the event log.
--
-- One row per event, append-only. The store computes `version` (per stream),
-- `recorded_at`, `schema` and `hash`; everything else comes from the writer.
-- Invariants live here, where SQLite enforces them for every client:
-- positions are never reused (AUTOINCREMENT also lets `parley verify` see a
-- deleted tail), ids and (stream, version) are unique, and triggers refuse
-- UPDATE and DELETE. Mistakes are corrected by new events (event.retracted).

PRAGMA application_id = 1347570777; -- 0x50524C59, "PRLY": marks a Parley file

CREATE TABLE events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB    NOT NULL UNIQUE CHECK (typeof(id) = 'blob' AND length(id) = 16),
    stream      TEXT    NOT NULL CHECK (stream GLOB '[a-z]*/?*' AND length(stream) <= 200),
    version     INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 1),
    type        TEXT    NOT NULL CHECK (type GLOB '[a-z]*.[a-z]*' AND length(type) <= 64),
    actor       TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    -- Both clocks in microseconds since 1970-01-01T00:00:00Z (UTC).
    occurred_at INTEGER NOT NULL CHECK (typeof(occurred_at) = 'integer'),
    recorded_at INTEGER NOT NULL CHECK (typeof(recorded_at) = 'integer'),
    schema      INTEGER NOT NULL CHECK (typeof(schema) = 'integer' AND schema >= 1),
    -- Canonical JSON text (see ParleyCore's JSONValue.canonicalText).
    data        TEXT    NOT NULL CHECK (substr(data, 1, 1) = '{'),
    meta        TEXT             CHECK (meta IS NULL OR substr(meta, 1, 1) = '{'),
    -- SHA-256(previous hash || canonical bytes of this event); see HashChain.
    hash        BLOB    NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
    UNIQUE (stream, version)
);

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'parley: events are immutable; record an event.retracted instead');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'parley: events are immutable; record an event.retracted instead');
END;
