-- Parley schema 010: the agreements view.
--
-- Agreements other than the lead criteria and the SLA (personas, the
-- messaging guide, routing rules, the content calendar) are versioned
-- documents both teams sign. Their versions, texts and signatures are a
-- persisted view like the others, caught up from its checkpoint.

CREATE TABLE view_agreements (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
