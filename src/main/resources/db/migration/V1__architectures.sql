-- Architectures (area: architecture). The spec is the normalized DSL JSON (defaults explicit);
-- the analysis is recomputed from it on read (a pure function, microseconds).
CREATE TABLE architectures (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    spec        TEXT         NOT NULL,
    base_id     VARCHAR(36),
    transform   VARCHAR(100),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX architectures_created ON architectures (created_at, id);
