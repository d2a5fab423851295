package io.kernelwise.architecture;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.JsonProblems;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Architectures: validation + analysis of specs, the stored ones, presets and variants. Also the
 * {@link ArchitectureCatalog} other features (jobs, experiments) use.
 */
@Service
public class ArchitectureService implements ArchitectureCatalog {
  /** Presets in the order the API lists them, with what each shows. */
  private static final List<String[]> PRESETS =
      List.of(
          new String[] {"seed-3x3", "the article's CIFAR-10 net: stacked 3x3 convs"},
          new String[] {"seed-5x5", "the same net with one 5x5 conv per stage"},
          new String[] {"seed-separable", "the same net with depthwise-separable convs"},
          new String[] {"vgg-cifar", "VGG-style CIFAR net: 3x3 conv stacks with batch norm"},
          new String[] {
            "resnet-cifar", "ResNet-style CIFAR net: residual basic blocks and bottleneck blocks"
          },
          new String[] {
            "mobilenet-cifar",
            "MobileNet-style net: depthwise-separable convs, relu6, batch norm, globalAvgPool"
          },
          new String[] {
            "fast-cifar",
            "time to accuracy: a small ResNet (two residual blocks, max pooling) with its training"
                + " recipe (one-cycle Nesterov SGD, label smoothing, flip test-time augmentation)"
          });

  private final ArchitectureRepository repository;
  private final Clock clock;
  private final KernelwiseProperties.Limits limits;
  private final SpecParser parser;
  private final ArchitectureAnalyzer analyzer;
  private final SpecTransformer transformer;
  private final SpecParser storedParser;
  private final ArchitectureAnalyzer storedAnalyzer;
  private final JsonMapper json = JsonMapper.shared();
  private final List<Preset> presets;

  public ArchitectureService(
      ArchitectureRepository repository, Clock clock, KernelwiseProperties properties) {
    this.repository = repository;
    this.clock = clock;
    this.limits = properties.limits();
    this.parser = new SpecParser(limits.maxDepth());
    this.analyzer = new ArchitectureAnalyzer(limits);
    this.transformer = new SpecTransformer(analyzer);
    // Stored specs passed the limits when stored; reading them back must not fail when an
    // operator tightens a limit later, so reads use the looser of configured and default limits.
    KernelwiseProperties.Limits loose = looser(limits, ArchitectureAnalyzer.defaultLimits());
    this.storedParser = new SpecParser(loose.maxDepth(), false);
    this.storedAnalyzer = new ArchitectureAnalyzer(loose);
    this.presets = loadPresets();
  }

  /** A parsed, validated spec with its analysis. */
  record Checked(ArchitectureSpec spec, Analysis analysis) {}

  Checked check(JsonNode body, String prefix) {
    String p = prefix == null || prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + ".";
    p = p == null ? "" : p;
    long size = body == null ? 0 : body.toString().length();
    if (size > limits.maxSpecSize().toBytes()) {
      throw ApiException.overLimit(
          p.isEmpty() ? "body" : p.substring(0, p.length() - 1),
          "the spec is "
              + size
              + " bytes of JSON, over the limit of "
              + limits.maxSpecSize().toBytes()
              + " (kernelwise.limits.max-spec-size)");
    }
    ArchitectureSpec spec = parser.parse(body, p);
    return new Checked(spec, analyzer.analyze(spec, p));
  }

  /**
   * Reads a request body as JSON, never more than the spec size limit: a huge body is refused
   * before it is parsed, and malformed JSON gets a 400 that says where.
   */
  JsonNode read(InputStream body) {
    long max = limits.maxSpecSize().toBytes();
    byte[] bytes;
    try {
      bytes =
          body == null
              ? new byte[0]
              : body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (IOException e) {
      throw ApiException.invalid("body", "could not be read: " + e.getMessage());
    }
    if (bytes.length > max) {
      throw ApiException.overLimit(
          "body",
          "the spec is over the limit of " + max + " bytes (kernelwise.limits.max-spec-size)");
    }
    if (bytes.length == 0) {
      throw ApiException.invalid("body", "is required: an architecture spec as JSON");
    }
    try {
      return json.readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.invalid("body", JsonProblems.syntax(e));
    }
  }

  // ---- ArchitectureCatalog --------------------------------------------------------------------

  @Override
  public ArchitectureSpec spec(String architectureId) {
    return read(find(architectureId).spec());
  }

  @Override
  public ArchitectureSpec parse(JsonNode json, String fieldPrefix) {
    return check(json, fieldPrefix).spec();
  }

  @Override
  public ArchitectureSpec stored(JsonNode json) {
    ArchitectureSpec spec = storedParser.parse(json, "");
    storedAnalyzer.analyze(spec, "");
    return spec;
  }

  @Override
  public String toJson(ArchitectureSpec spec) {
    return SpecWriter.write(spec).toString();
  }

  /** Analysis of a spec already validated (e.g. one read back from a job). */
  public Analysis analyze(ArchitectureSpec spec) {
    return analyzer.analyze(spec);
  }

  // ---- the API's operations ---------------------------------------------------------------------

  @Transactional
  public ArchitectureResource create(JsonNode body) {
    Checked c = check(body, "");
    return store(c, null, null);
  }

  public ArchitectureResource get(String id) {
    return resource(find(id));
  }

  public Page<ArchitectureResource> list(int page, int size) {
    Page.offset(page, size);
    List<ArchitectureResource> items =
        repository.page(page, size).stream().map(this::resource).toList();
    return new Page<>(items, page, size, repository.count());
  }

  @Transactional
  public void delete(String id) {
    if (!repository.delete(id)) {
      throw ApiException.notFound("architecture", id);
    }
  }

  public String summary(String id) {
    ArchitectureRepository.Stored s = find(id);
    ArchitectureSpec spec = read(s.spec());
    return SummaryTable.render(spec, storedAnalyzer.analyze(spec));
  }

  public List<Preset> presets() {
    return presets;
  }

  /** Derives and stores one variant per transform; all or nothing. */
  @Transactional
  public Variants variants(String id, JsonNode body) {
    ArchitectureRepository.Stored stored = find(id);
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "must be an object {transforms, keepFirst}");
    }
    for (String field : body.propertyNames()) {
      if (!field.equals("transforms") && !field.equals("keepFirst")) {
        throw ApiException.invalid(field, "unknown field; allowed: transforms, keepFirst");
      }
    }
    List<VariantTransform> transforms = VariantTransform.parseAll(body.get("transforms"));
    JsonNode k = body.get("keepFirst");
    if (k != null && !k.isNull() && !k.isBoolean()) {
      throw ApiException.invalid("keepFirst", "must be true or false");
    }
    boolean keepFirst = k == null || k.isNull() || k.booleanValue();
    ArchitectureSpec base = read(stored.spec());
    Analysis baseAnalysis = storedAnalyzer.analyze(base);
    List<SpecTransformer.Result> results = new ArrayList<>();
    List<Analysis> analyses = new ArrayList<>();
    for (int i = 0; i < transforms.size(); i++) {
      SpecTransformer.Result r = transformer.apply(base, transforms.get(i), keepFirst);
      try {
        analyses.add(analyzer.analyze(r.spec()));
      } catch (ApiException e) {
        String why = e.errors().isEmpty() ? e.getMessage() : e.errors().get(0).message();
        String where = e.errors().isEmpty() ? "" : " at " + e.errors().get(0).field();
        throw ApiException.invalid(
            List.of(
                new FieldProblem(
                    "transforms[" + i + "]",
                    "the variant is not a valid architecture" + where + ": " + why)));
      }
      results.add(r);
    }
    List<Variants.Variant> out = new ArrayList<>();
    for (int i = 0; i < transforms.size(); i++) {
      SpecTransformer.Result r = results.get(i);
      Analysis a = analyses.get(i);
      String label = transforms.get(i).label();
      ArchitectureResource created = store(new Checked(r.spec(), a), stored.id(), label);
      out.add(new Variants.Variant(label, created, compare(baseAnalysis, a, r.changedLayers())));
    }
    return new Variants(stored.id(), stored.name(), out);
  }

  private static Variants.Comparison compare(Analysis base, Analysis v, int changed) {
    return new Variants.Comparison(
        base.parameters().total(),
        v.parameters().total(),
        ratio(v.parameters().total(), base.parameters().total()),
        base.macs(),
        v.macs(),
        ratio(v.macs(), base.macs()),
        base.receptiveField(),
        v.receptiveField(),
        changed);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ArchitectureResource store(Checked c, String baseId, String transform) {
    ArchitectureRepository.Stored s =
        new ArchitectureRepository.Stored(
            UUID.randomUUID().toString(),
            c.spec().name(),
            toJson(c.spec()),
            baseId,
            transform,
            clock.instant());
    repository.insert(s);
    return new ArchitectureResource(
        s.id(),
        s.name(),
        SpecWriter.write(c.spec()),
        c.analysis(),
        s.createdAt(),
        baseId,
        transform);
  }

  private ArchitectureRepository.Stored find(String id) {
    return repository.find(id).orElseThrow(() -> ApiException.notFound("architecture", id));
  }

  private ArchitectureResource resource(ArchitectureRepository.Stored s) {
    ArchitectureSpec spec = read(s.spec());
    return new ArchitectureResource(
        s.id(),
        s.name(),
        SpecWriter.write(spec),
        storedAnalyzer.analyze(spec),
        s.createdAt(),
        s.baseId(),
        s.transform());
  }

  private ArchitectureSpec read(String stored) {
    return storedParser.parse(json.readTree(stored), "");
  }

  private static KernelwiseProperties.Limits looser(
      KernelwiseProperties.Limits a, KernelwiseProperties.Limits b) {
    return new KernelwiseProperties.Limits(
        Math.max(a.maxLayers(), b.maxLayers()),
        Math.max(a.maxDepth(), b.maxDepth()),
        Math.max(a.maxRepeat(), b.maxRepeat()),
        Math.max(a.maxParameters(), b.maxParameters()),
        Math.max(a.maxMacs(), b.maxMacs()),
        Math.max(a.maxInputPixels(), b.maxInputPixels()),
        Math.max(a.maxChannels(), b.maxChannels()),
        a.maxSpecSize().compareTo(b.maxSpecSize()) > 0 ? a.maxSpecSize() : b.maxSpecSize());
  }

  private List<Preset> loadPresets() {
    List<Preset> out = new ArrayList<>();
    for (String[] p : PRESETS) {
      String path = "/architecture/presets/" + p[0] + ".json";
      try (InputStream in = ArchitectureService.class.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("missing preset " + path);
        }
        JsonNode node = json.readTree(in);
        JsonNode recipe = null;
        try (InputStream r =
            ArchitectureService.class.getResourceAsStream(
                "/architecture/presets/" + p[0] + ".recipe.json")) {
          if (r != null) {
            recipe = json.readTree(r);
          }
        }
        out.add(
            new Preset(
                p[0], p[1], node, storedAnalyzer.analyze(storedParser.parse(node, "")), recipe));
      } catch (IOException | JacksonException e) {
        throw new UncheckedIOException(new IOException("cannot read preset " + path, e));
      }
    }
    return List.copyOf(out);
  }
}
