-- Uploaded datasets (built-ins are not rows: they are found on disk). The tensors live under
-- <dataDir>/datasets/<id>/; manifest is that cache's dataset.json (classes, counts, mean/std,
-- skipped files), kept here so listing never touches the disk.
CREATE TABLE datasets (
    id          VARCHAR(64)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    reason      VARCHAR(4000),
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0,
    manifest    TEXT,
    size_bytes  BIGINT       NOT NULL DEFAULT 0,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX datasets_created_at ON datasets (created_at);
