/**
 * Training: the engine contract ({@link io.kernelwise.training.TrainingEngine}) and training jobs.
 *
 * <p>Jobs are rows in the database ({@code jobs}, {@code job_epochs}, {@code job_steps}, {@code
 * job_events}); the queue is db-scheduler ({@code com.github.kagkarlsson:db-scheduler}), one
 * one-time task execution per job in its {@code scheduled_tasks} table. We chose it over a
 * hand-written lease because it is a small, well-kept library that already solves exactly the hard
 * parts for several instances on one PostgreSQL (or H2): claiming an execution with
 * optimistic-locked updates (or {@code FOR UPDATE SKIP LOCKED}), heartbeats while a job runs,
 * detection and revival of dead executions, graceful shutdown, and no extra infrastructure (no
 * broker, no Quartz cluster tables). Job state itself is ours: {@link
 * io.kernelwise.training.JobState} is the state machine, {@link io.kernelwise.training.JobStore}
 * the narrow repository, and every write of a running job is fenced by its attempt number so a
 * revived job never has two writers.
 */
package io.kernelwise.training;
