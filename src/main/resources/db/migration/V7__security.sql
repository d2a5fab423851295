-- API keys (area: security). Only the SHA-256 of a key's secret is stored; the prefix is its
-- public, non-secret part for display. The secret is shown once, in the response that creates it.
CREATE TABLE api_keys (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    role         VARCHAR(16)  NOT NULL,
    prefix       VARCHAR(32)  NOT NULL,
    secret_hash  VARCHAR(64)  NOT NULL,
    source       VARCHAR(16)  NOT NULL,
    created_by   VARCHAR(64),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    revoked      BOOLEAN      NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE
);

CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash);
CREATE INDEX api_keys_created_at ON api_keys (created_at);

-- The audit trail: one row per mutating call made with a key (who, what, which resource, outcome).
CREATE TABLE audit_events (
    id             VARCHAR(64)   NOT NULL PRIMARY KEY,
    at             TIMESTAMP WITH TIME ZONE NOT NULL,
    key_id         VARCHAR(64),
    key_prefix     VARCHAR(32),
    key_name       VARCHAR(200),
    method         VARCHAR(16)   NOT NULL,
    action         VARCHAR(300)  NOT NULL,
    resource       VARCHAR(2000) NOT NULL,
    status         INT           NOT NULL,
    outcome        VARCHAR(16)   NOT NULL,
    remote_address VARCHAR(64)
);

CREATE INDEX audit_events_at ON audit_events (at);
