-- Parley schema 006: the signals view.
--
-- The detectors' state (per-subject CUSUMs, the rule detectors' clocks,
-- people's answers) is a persisted view like the others, caught up from its
-- checkpoint; the signals are read out of it at the moment asked for.

CREATE TABLE view_signals (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
