package io.kernelwise.security;

import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "audit", description = "Who changed what (admin)")
class AuditController {
  private final AuditStore store;

  AuditController(AuditStore store) {
    this.store = store;
  }

  @GetMapping("/api/v1/audit")
  @Operation(
      operationId = "listAuditEvents",
      summary = "Mutating calls, newest first: who, what, which resource, outcome, when")
  Page<AuditEvent> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    int offset = Page.offset(page, size);
    return new Page<>(store.page(offset, size), page, size, store.count());
  }
}
