-- Parley schema 003: finding retractions without reading the log.
--
-- Every view read asks whether an event retracted since its checkpoint:
-- without an index that is a scan of the whole log. A partial index holds
-- only the retractions, so appending other events does not touch it.

CREATE INDEX events_retractions ON events (position) WHERE type = 'event.retracted';
