-- Parley schema 004: view rows in a compact binary form.
--
-- A view's rows are derived from the events and private to Parley, so they
-- need no text form: `value` now holds the row as RowCoder writes it
-- (Sources/ParleyStore/RowCoder.swift documents the bytes). The JSON rows of
-- schema 002 are dropped with their checkpoints; each view rebuilds from the
-- events on its next read.

DROP TABLE view_rows;

CREATE TABLE view_rows (
    view  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (view, key)
) WITHOUT ROWID;

DELETE FROM view_checkpoints;
