package io.kernelwise.experiments;

import io.kernelwise.architecture.Analysis;
import io.kernelwise.architecture.ArchitectureResource;
import io.kernelwise.architecture.ArchitectureService;
import io.kernelwise.architecture.Variants;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.Page;
import io.kernelwise.training.EpochMetrics;
import io.kernelwise.training.Hyperparameters;
import io.kernelwise.training.JobService;
import io.kernelwise.training.JobState;
import io.kernelwise.training.JobView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates experiments (deriving variants when asked, then one job per architecture through the jobs
 * service), compares their architectures and cancels them. Costs come from the architecture
 * analysis, results from the metrics the jobs stored: nothing here computes a number of its own
 * beyond best/final/mean over those rows.
 */
@Service
class ExperimentService {
  private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);

  private final ExperimentRepository repository;
  private final ArchitectureService architectures;
  private final JobService jobs;
  private final JsonMapper json;
  private final Clock clock;

  ExperimentService(
      ExperimentRepository repository,
      ArchitectureService architectures,
      JobService jobs,
      JsonMapper json,
      Clock clock) {
    this.repository = repository;
    this.architectures = architectures;
    this.jobs = jobs;
    this.json = json;
    this.clock = clock;
  }

  /** An architecture to train, the request field it came from, and its validated job. */
  private record Candidate(String field, ArchitectureResource architecture) {}

  /**
   * Validates everything before storing anything: the request's shape, every architecture, every
   * job request (same checks as {@code POST /jobs}), then the transforms (the variants are stored
   * all or nothing); only then are the jobs submitted and the experiment stored.
   */
  ExperimentView create(JsonNode body) {
    ExperimentRequest request = ExperimentRequest.parse(body);
    List<Candidate> candidates = new ArrayList<>();
    if (request.derivesVariants()) {
      candidates.add(
          new Candidate(
              "baseArchitectureId",
              architecture(request.baseArchitectureId(), "baseArchitectureId")));
    } else {
      for (int i = 0; i < request.architectureIds().size(); i++) {
        String field = "architectureIds[" + i + "]";
        candidates.add(new Candidate(field, architecture(request.architectureIds().get(i), field)));
      }
    }
    List<JobService.Validated> validated = new ArrayList<>();
    for (Candidate c : candidates) {
      validated.add(validateJob(request, c));
    }
    if (request.derivesVariants()) {
      List<ArchitectureResource> variants = variants(request);
      try {
        for (ArchitectureResource v : variants) {
          Candidate c = new Candidate("transforms", v);
          validated.add(validateJob(request, c));
          candidates.add(c);
        }
      } catch (RuntimeException e) {
        variants.forEach(v -> architectures.delete(v.id())); // nothing stays of a bad request
        throw e;
      }
    }
    return view(store(request, candidates, validated));
  }

  ExperimentView find(String id) {
    return view(get(id));
  }

  Page<ExperimentView> list(int page, int size) {
    Page.offset(page, size);
    List<ExperimentView> items = repository.page(page, size).stream().map(this::view).toList();
    return new Page<>(items, page, size, repository.count());
  }

  /** Cancels every job not yet ended; 409 when all have. */
  ExperimentView cancel(String id) {
    Experiment e = get(id);
    List<String> open =
        e.entries().stream()
            .map(Experiment.Entry::jobId)
            .filter(jobId -> !job(jobId).state().terminal())
            .toList();
    if (open.isEmpty()) {
      throw ApiException.conflict(
          "experiment '" + id + "' already ended " + ExperimentState.of(states(e)));
    }
    repository.markCancelRequested(id, clock.instant());
    for (String jobId : open) {
      try {
        jobs.cancel(jobId);
      } catch (ApiException ended) {
        if (ended.status() != HttpStatus.CONFLICT) {
          throw ended;
        }
        // it ended between the read and the cancel: nothing left to cancel
      }
    }
    return view(get(id));
  }

  /** The chart's data: validation accuracy per epoch of each architecture. */
  ExperimentChart.Data chartData(String id) {
    Experiment e = get(id);
    List<ExperimentChart.Line> lines = new ArrayList<>();
    for (Experiment.Entry x : e.entries()) {
      List<double[]> points = new ArrayList<>();
      for (EpochMetrics m : jobs.epochs(x.jobId())) {
        if (m.valAccuracy() != null) {
          points.add(new double[] {m.epoch(), m.valAccuracy()});
        }
      }
      lines.add(new ExperimentChart.Line(x.architectureName(), x.trainableParameters(), points));
    }
    return new ExperimentChart.Data(e.name(), e.datasetId(), lines);
  }

  // ---- creation steps ---------------------------------------------------------------------------

  private ArchitectureResource architecture(String id, String field) {
    try {
      return architectures.get(id);
    } catch (ApiException e) {
      throw withField(e, "architectureId", field);
    }
  }

  private JobService.Validated validateJob(ExperimentRequest request, Candidate c) {
    ObjectNode job = json.createObjectNode();
    job.put("architectureId", c.architecture().id());
    job.put("datasetId", request.datasetId());
    if (request.hyperparameters() != null) {
      job.set("hyperparameters", request.hyperparameters());
    }
    if (request.device() != null) {
      job.set("device", request.device());
    }
    try {
      return jobs.validate(job);
    } catch (ApiException e) {
      throw withField(e, "architectureId", c.field());
    }
  }

  /** Stores one variant per transform (all or nothing; a bad transform is a 400 naming it). */
  private List<ArchitectureResource> variants(ExperimentRequest request) {
    ObjectNode body = json.createObjectNode();
    body.set("transforms", request.transforms());
    if (request.keepFirst() != null) {
      body.set("keepFirst", request.keepFirst());
    }
    Variants v = architectures.variants(request.baseArchitectureId(), body);
    return v.variants().stream().map(Variants.Variant::architecture).toList();
  }

  private Experiment store(
      ExperimentRequest request, List<Candidate> candidates, List<JobService.Validated> validated) {
    Instant now = clock.instant();
    String id = "x-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    List<Experiment.Entry> entries = new ArrayList<>();
    List<String> submitted = new ArrayList<>();
    try {
      for (int i = 0; i < candidates.size(); i++) {
        ArchitectureResource a = candidates.get(i).architecture();
        JobView job = jobs.submit(validated.get(i));
        submitted.add(job.id());
        Analysis analysis = a.analysis();
        entries.add(
            new Experiment.Entry(
                a.id(),
                a.name(),
                a.transform(),
                analysis.parameters().trainable(),
                analysis.macs(),
                analysis.receptiveField(),
                job.id()));
      }
      Experiment e =
          new Experiment(
              id,
              request.name() != null ? request.name() : defaultName(candidates),
              request.datasetId(),
              validated.get(0).device(),
              json.writeValueAsString(validated.get(0).hyperparameters()),
              request.baseArchitectureId(),
              now,
              null,
              entries);
      repository.insert(e);
      return e;
    } catch (RuntimeException failure) {
      // e.g. the database went away half way: don't leave jobs training for no experiment
      for (String jobId : submitted) {
        try {
          jobs.cancel(jobId);
        } catch (RuntimeException cancelFailure) {
          log.warn("could not cancel job {} of a failed experiment", jobId, cancelFailure);
        }
      }
      // the variants were derived for this experiment only: they go with it
      for (Candidate c : candidates) {
        if (c.field().equals("transforms")) {
          try {
            architectures.delete(c.architecture().id());
          } catch (RuntimeException deleteFailure) {
            log.warn("could not delete variant {}", c.architecture().id(), deleteFailure);
          }
        }
      }
      throw failure;
    }
  }

  private static String defaultName(List<Candidate> candidates) {
    String name =
        candidates.stream().map(c -> c.architecture().name()).collect(Collectors.joining(" vs "));
    return name.length() <= ExperimentRequest.MAX_NAME_LENGTH
        ? name
        : name.substring(0, ExperimentRequest.MAX_NAME_LENGTH - 3) + "...";
  }

  /** The same error, with {@code from} (a jobs request field) named as the experiment's field. */
  private static ApiException withField(ApiException e, String from, String to) {
    List<FieldProblem> errors =
        e.errors().isEmpty()
            ? List.of(new FieldProblem(to, e.getMessage()))
            : e.errors().stream()
                .map(p -> p.field().equals(from) ? new FieldProblem(to, p.message()) : p)
                .toList();
    String detail =
        errors.get(0).field().equals(to) ? to + ": " + errors.get(0).message() : e.getMessage();
    return new ApiException(e.status(), e.title(), detail, errors);
  }

  // ---- reading ---------------------------------------------------------------------------------

  private Experiment get(String id) {
    return repository.find(id).orElseThrow(() -> ApiException.notFound("experiment", id));
  }

  private JobView job(String jobId) {
    // experiment_jobs references jobs (on delete cascade): a linked job always exists
    return jobs.find(jobId);
  }

  private List<JobState> states(Experiment e) {
    return e.entries().stream().map(x -> job(x.jobId()).state()).toList();
  }

  ExperimentView view(Experiment e) {
    List<ExperimentView.ArchitectureResult> rows = new ArrayList<>();
    long firstParameters = e.entries().isEmpty() ? 0 : e.entries().get(0).trainableParameters();
    for (Experiment.Entry x : e.entries()) {
      rows.add(result(x, job(x.jobId()), jobs.epochs(x.jobId()), firstParameters));
    }
    return new ExperimentView(
        e.id(),
        e.name(),
        ExperimentState.of(rows.stream().map(ExperimentView.ArchitectureResult::state).toList()),
        e.datasetId(),
        e.device(),
        json.readValue(e.hyperparametersJson(), Hyperparameters.class),
        e.baseArchitectureId(),
        e.createdAt(),
        e.cancelRequestedAt(),
        rows);
  }

  static ExperimentView.ArchitectureResult result(
      Experiment.Entry x, JobView job, List<EpochMetrics> epochs, long firstParameters) {
    EpochMetrics best =
        epochs.stream()
            .filter(m -> m.valAccuracy() != null)
            .max(Comparator.comparingDouble(EpochMetrics::valAccuracy))
            .orElse(null);
    EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    return new ExperimentView.ArchitectureResult(
        x.architectureId(),
        x.architectureName(),
        x.transform(),
        x.trainableParameters(),
        firstParameters == 0 ? 0 : (double) x.trainableParameters() / firstParameters,
        x.macs(),
        x.receptiveField(),
        job.id(),
        job.state(),
        job.progress(),
        job.epochs(),
        epochs.size(),
        best == null ? null : best.valAccuracy(),
        best == null ? null : best.epoch(),
        last == null ? null : last.valAccuracy(),
        job.testAccuracy(),
        mean(epochs.stream().mapToDouble(EpochMetrics::seconds).toArray()),
        mean(epochs.stream().mapToDouble(EpochMetrics::imagesPerSecond).toArray()),
        job.modelId(),
        job.error());
  }

  private static Double mean(double[] values) {
    if (values.length == 0) {
      return null;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
