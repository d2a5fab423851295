-- Experiments (area: experiments): architectures trained side by side on one dataset with the same
-- hyperparameters, one training job each. Runs on PostgreSQL 15 and on H2 (MODE=PostgreSQL).
-- State is not stored: it follows from the jobs' states.
create table experiments (
    id                   varchar(64)  not null primary key,
    name                 varchar(200) not null,
    dataset_id           varchar(64)  not null,
    device               varchar(32)  not null,
    hyperparameters_json text         not null,
    base_architecture_id varchar(64),
    created_at           timestamp with time zone not null,
    cancel_requested_at  timestamp with time zone
);
create index experiments_created_idx on experiments (created_at, id);

-- One row per compared architecture, in the request's order (the base first for transforms). The
-- architecture's name and costs are kept as they were when the job was submitted: the comparison
-- stays readable after the architecture is deleted.
create table experiment_jobs (
    experiment_id        varchar(64)  not null references experiments (id) on delete cascade,
    position             int          not null,
    architecture_id      varchar(64)  not null,
    architecture_name    varchar(200) not null,
    transform            varchar(100),
    trainable_parameters bigint       not null,
    macs                 bigint       not null,
    receptive_field_h    bigint       not null,
    receptive_field_w    bigint       not null,
    job_id               varchar(64)  not null references jobs (id) on delete cascade,
    primary key (experiment_id, position),
    constraint experiment_jobs_job_unique unique (job_id)
);
