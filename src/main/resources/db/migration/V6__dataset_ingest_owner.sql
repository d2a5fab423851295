-- Dataset ingests get an owner (the instance running them) and a heartbeat, like jobs in the
-- queue: at startup an instance fails only its own interrupted ingests and those whose owner
-- stopped heartbeating, never the live ingest of another instance on the same database.
ALTER TABLE datasets ADD COLUMN owner VARCHAR(200);
ALTER TABLE datasets ADD COLUMN heartbeat_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX datasets_state_owner ON datasets (state, owner);
