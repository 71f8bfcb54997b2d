-- Parley schema 002: persisted views.
--
-- A view is a projection: a fold of the events, in position order, into
-- rows. Each view keeps its rows here under its name, and a checkpoint —
-- the projection's code version and the last position folded — written in
-- the same transaction as the rows, so the two never disagree. A view whose
-- code version changed is rebuilt from the events on its next read.

CREATE TABLE view_checkpoints (
    view     TEXT    PRIMARY KEY,
    version  INTEGER NOT NULL CHECK (typeof(version) = 'integer'),
    position INTEGER NOT NULL CHECK (typeof(position) = 'integer' AND position >= 0)
);

-- One row of a view's state: `value` is the projection's row as JSON.
CREATE TABLE view_rows (
    view  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (view, key)
) WITHOUT ROWID;
