-- Training speed (issue 13): what a job's latest attempt computes in, fp32 or bf16
-- (hyperparameters.precision, with auto resolved on the worker). Null until an attempt starts.
ALTER TABLE jobs ADD COLUMN compute_precision VARCHAR(8);
