{{- define "kernelwise.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kernelwise.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* selector labels of one component: api, worker, single or postgresql */}}
{{- define "kernelwise.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kernelwise.sharedClaim" -}}
{{- .Values.shared.existingClaim | default (printf "%s-shared" (include "kernelwise.fullname" .)) -}}
{{- end -}}

{{- define "kernelwise.dbSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-db" (include "kernelwise.fullname" .)) -}}
{{- end -}}

{{- define "kernelwise.adminSecret" -}}
{{- .Values.security.adminKey.existingSecret | default (printf "%s-admin-key" (include "kernelwise.fullname" .)) -}}
{{- end -}}

{{/* the JDBC URL: external, bundled, or empty (embedded H2, single mode only) */}}
{{- define "kernelwise.dbUrl" -}}
{{- if .Values.database.url -}}
{{- .Values.database.url -}}
{{- else if .Values.postgresql.enabled -}}
{{- printf "jdbc:postgresql://%s-postgresql:5432/%s" (include "kernelwise.fullname" .) .Values.postgresql.database -}}
{{- end -}}
{{- end -}}

{{- define "kernelwise.validate" -}}
{{- if and (eq .Values.mode "distributed") (not (include "kernelwise.dbUrl" .)) -}}
{{- fail "mode=distributed needs a shared database: set postgresql.enabled=true or database.url (replicas on an embedded database would each run their own queue)" -}}
{{- end -}}
{{- if and .Values.database.url .Values.postgresql.enabled -}}
{{- fail "set either database.url (external PostgreSQL) or postgresql.enabled=true, not both" -}}
{{- end -}}
{{- end -}}

{{- define "kernelwise.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kernelwise.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* pod annotations: scrape hints and checksums so a config or Secret change rolls the pods */}}
{{- define "kernelwise.podAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/path: /actuator/prometheus
prometheus.io/port: "8080"
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- /* the Secrets' inputs, not their rendering: a generated key must not restart pods each upgrade */}}
checksum/secret: {{ toYaml (dict "database" .Values.database "security" .Values.security) | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
One Kernelwise container. Context: dict root, roles, resources, gpu, env.
*/}}
{{- define "kernelwise.container" -}}
{{- $v := .root.Values -}}
- name: kernelwise
  image: "{{ $v.image.repository }}:{{ $v.image.tag }}"
  imagePullPolicy: {{ $v.image.pullPolicy }}
  ports:
    - {name: http, containerPort: 8080, protocol: TCP}
  envFrom:
    - configMapRef:
        name: {{ include "kernelwise.fullname" .root }}
  env:
    - name: KERNELWISE_ROLES
      value: {{ .roles | quote }}
    - name: KERNELWISE_TRAINING_INSTANCENAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    {{- if include "kernelwise.dbUrl" .root }}
    - name: SPRING_DATASOURCE_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ include "kernelwise.dbSecret" .root }}
          key: {{ $v.database.passwordKey }}
    {{- end }}
    - name: KERNELWISE_SECURITY_ADMIN_KEY
      valueFrom:
        secretKeyRef:
          name: {{ include "kernelwise.adminSecret" .root }}
          key: {{ $v.security.adminKey.secretKey }}
    {{- range $k, $val := .env }}
    - name: {{ $k }}
      value: {{ $val | quote }}
    {{- end }}
  startupProbe:
    httpGet: {path: /actuator/health/liveness, port: http}
    periodSeconds: 5
    timeoutSeconds: {{ $v.probes.timeoutSeconds }}
    failureThreshold: {{ $v.probes.startupFailureThreshold }}
  livenessProbe:
    httpGet: {path: /actuator/health/liveness, port: http}
    periodSeconds: {{ $v.probes.periodSeconds }}
    timeoutSeconds: {{ $v.probes.timeoutSeconds }}
    failureThreshold: {{ $v.probes.failureThreshold }}
  readinessProbe:
    httpGet: {path: /actuator/health/readiness, port: http}
    periodSeconds: {{ $v.probes.periodSeconds }}
    timeoutSeconds: {{ $v.probes.timeoutSeconds }}
    failureThreshold: {{ $v.probes.failureThreshold }}
  {{- $resources := deepCopy (.resources | default dict) }}
  {{- if .gpu.enabled }}
  {{- $_ := set $resources "limits" (merge (dict .gpu.resourceName .gpu.count) ($resources.limits | default dict)) }}
  {{- $_ := set $resources "requests" (merge (dict .gpu.resourceName .gpu.count) ($resources.requests | default dict)) }}
  {{- end }}
  resources: {{- toYaml $resources | nindent 4 }}
  securityContext: {{- include "kernelwise.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    {{- if eq .component "single" }}
    # one ReadWriteOnce volume: the embedded database and natives under data/, the store under shared/
    - {name: shared, mountPath: /var/lib/kernelwise, subPath: data}
    - {name: shared, mountPath: /shared, subPath: shared}
    {{- else }}
    - {name: data, mountPath: /var/lib/kernelwise}
    - {name: shared, mountPath: /shared}
    {{- end }}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
A Kernelwise pod template. Context: dict root, component, roles, resources, gpu, env,
nodeSelector, tolerations, affinity, grace.
*/}}
{{- define "kernelwise.podTemplate" -}}
{{- $v := .root.Values -}}
metadata:
  labels:
    {{- include "kernelwise.selector" (dict "root" .root "component" .component) | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations: {{- include "kernelwise.podAnnotations" .root | nindent 4 }}
spec:
  securityContext: {{- include "kernelwise.podSecurityContext" . | nindent 4 }}
  terminationGracePeriodSeconds: {{ .grace }}
  {{- with $v.image.pullSecrets }}
  imagePullSecrets: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .nodeSelector }}
  nodeSelector: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .tolerations }}
  tolerations: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .affinity }}
  affinity: {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    {{- include "kernelwise.container" . | nindent 4 }}
  volumes:
    - name: shared
      persistentVolumeClaim:
        claimName: {{ include "kernelwise.sharedClaim" .root }}
    - name: tmp
      emptyDir: {sizeLimit: 2Gi}
    {{- if ne .component "single" }}
    # per pod and disposable: DJL's unpacked natives (the database is PostgreSQL)
    - name: data
      emptyDir: {sizeLimit: 4Gi}
    {{- end }}
{{- end -}}
