-- Parley schema 005: each persisted view in a table of its own.
--
-- DESIGN.md: "Each persisted view lives in its own tables (prefix `view_`)".
-- Until now all views shared `view_rows`, keyed by view and key. A table per
-- view keeps its keys short, lets a view be read and counted without the
-- others' rows in its index, and lets a rebuild empty a view at once
-- (a DELETE without WHERE frees the table's pages without visiting its rows).
--
-- The rows are the projection's rows as RowCoder writes them (see schema 004
-- and Sources/ParleyStore/RowCoder.swift), keyed as the projection keys them.
-- A projection's table is `view_<its name>`; one without a table here is an
-- error on its first catch-up. The shared rows are dropped with the
-- checkpoints: each view rebuilds from the events on its next read.

DROP TABLE view_rows;
DELETE FROM view_checkpoints;

CREATE TABLE view_criteria (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_followup (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_issues   (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_meetings (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_members  (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_quality  (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_roles    (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
