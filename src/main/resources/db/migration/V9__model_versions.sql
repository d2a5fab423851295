-- Open Inference Protocol (area: oip): models sharing a name are versions 1, 2, ... of that name,
-- numbered in registration order. model_names keeps the last number handed out, so a deleted
-- version's number is never given to another model.
ALTER TABLE models ADD COLUMN version INT;

UPDATE models SET version = (
    SELECT COUNT(*) FROM models o
    WHERE o.name = models.name
      AND (o.created_at < models.created_at OR (o.created_at = models.created_at AND o.id <= models.id)));

ALTER TABLE models ALTER COLUMN version SET NOT NULL;

CREATE TABLE model_names (
    name         VARCHAR(200) NOT NULL PRIMARY KEY,
    last_version INT          NOT NULL
);

INSERT INTO model_names (name, last_version) SELECT name, MAX(version) FROM models GROUP BY name;

CREATE UNIQUE INDEX models_name_version ON models (name, version);
