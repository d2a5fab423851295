-- Trained models (area: serving). The files live in the model store (kernelwise.models.store-dir),
-- one directory per id; a row is inserted only after its directory has been moved into place.
CREATE TABLE models (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    architecture_id VARCHAR(64),
    dataset_id      VARCHAR(64),
    job_id          VARCHAR(64),
    classes         TEXT         NOT NULL,
    channels        INT          NOT NULL,
    height          INT          NOT NULL,
    width           INT          NOT NULL,
    normalization   TEXT         NOT NULL,
    metrics         TEXT         NOT NULL,
    artifact_bytes  BIGINT       NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX models_created_at ON models (created_at);
CREATE INDEX models_job_id ON models (job_id);
