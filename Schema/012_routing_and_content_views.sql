-- Parley schema 012: the routing and content views.
--
-- Who each lead was routed to with the totals per rep and per source, and
-- the shared resources and content requests, were read from the whole log
-- on each `parley routing` and `parley content` (seconds at a million
-- events). They are persisted views like the others now, caught up from
-- their checkpoints.

CREATE TABLE view_routing (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE view_content (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
