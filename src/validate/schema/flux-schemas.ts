import type { YamlMap, YamlValue } from "../../kustomize/types.js";

/**
 * Structural schemas of Flux's current API versions (Flux 2.6/2.7: Kustomization v1,
 * HelmRelease v2, source v1, image v1 and v1beta2 (same spec), notification v1/v1beta3; Flux Operator v1
 * ResourceSet, ResourceSetInputProvider, FluxInstance), written for Slipway from the Flux and
 * Flux Operator API references. Spec-level fields are declared so typos are caught; nested blocks whose
 * shape changes between Flux minors are kept open (preserve-unknown-fields) to avoid false alarms.
 * A CRD of the same group/kind given to the validator (e.g. a rendered gotk-components.yaml)
 * takes precedence over these.
 */
export interface VendoredSchema {
  group: string;
  version: string;
  kind: string;
  plural: string;
  schema: YamlMap;
}

const str = (extra: YamlMap = {}): YamlMap => ({ type: "string", ...extra });
const int = (): YamlMap => ({ type: "integer" });
const bool = (): YamlMap => ({ type: "boolean" });
const enumOf = (...values: string[]): YamlMap => ({ type: "string", enum: values });
const arr = (items: YamlMap): YamlMap => ({ type: "array", items });
const strMap = (): YamlMap => ({ type: "object", additionalProperties: { type: "string" } });
const open = (): YamlMap => ({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
/** An open block with a few fields that have kept their shape across Flux minors. */
const openWith = (properties: Record<string, YamlMap>): YamlMap => ({
  ...open(),
  properties: properties as Record<string, YamlValue>,
});
/** HelmRelease install/upgrade `crds` (an enum since helm.toolkit.fluxcd.io/v2beta1). */
const crdsPolicy = (): YamlMap => enumOf("Skip", "Create", "CreateReplace");
const obj = (properties: Record<string, YamlMap>, required: string[] = []): YamlMap => {
  const out: YamlMap = { type: "object", properties: properties as Record<string, YamlValue> };
  if (required.length > 0) out.required = required;
  return out;
};
const duration = (): YamlMap => str({ pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" });
const localRef = (): YamlMap => obj({ name: str() }, ["name"]);
const keyRef = (): YamlMap => obj({ name: str(), key: str() }, ["name"]);
const crossRef = (...kinds: string[]): YamlMap =>
  obj(
    { apiVersion: str(), kind: kinds.length > 0 ? enumOf(...kinds) : str(), name: str(), namespace: str() },
    ["kind", "name"],
  );
const dependsOn = (): YamlMap => arr(obj({ name: str(), namespace: str(), readyExpr: str() }, ["name"]));
const kubeConfig = (): YamlMap => obj({ secretRef: keyRef(), configMapRef: localRef() });
const accessFrom = (): YamlMap => open();
const commonMetadata = (): YamlMap => obj({ labels: strMap(), annotations: strMap() });
const patches = (): YamlMap =>
  arr(
    obj(
      {
        patch: str(),
        target: obj({
          group: str(),
          version: str(),
          kind: str(),
          name: str(),
          namespace: str(),
          labelSelector: str(),
          annotationSelector: str(),
        }),
      },
      ["patch"],
    ),
  );
const images = (): YamlMap =>
  arr(obj({ name: str(), newName: str(), newTag: str(), digest: str() }, ["name"]));

const root = (spec: YamlMap): YamlMap => ({ type: "object", properties: { spec, status: open() } });

const kustomization = obj(
  {
    commonMetadata: commonMetadata(),
    components: arr(str()),
    decryption: obj({ provider: enumOf("sops"), secretRef: localRef(), serviceAccountName: str() }, [
      "provider",
    ]),
    deletionPolicy: enumOf("MirrorPrune", "Delete", "WaitForTermination", "Orphan"),
    dependsOn: dependsOn(),
    force: bool(),
    healthChecks: arr(
      obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() }, ["kind", "name"]),
    ),
    healthCheckExprs: arr(open()),
    ignoreMissingComponents: bool(),
    images: images(),
    interval: duration(),
    kubeConfig: kubeConfig(),
    namePrefix: str(),
    nameSuffix: str(),
    patches: patches(),
    path: str(),
    postBuild: obj({
      substitute: strMap(),
      substituteFrom: arr(
        obj({ kind: enumOf("Secret", "ConfigMap"), name: str(), optional: bool() }, ["kind", "name"]),
      ),
    }),
    prune: bool(),
    retryInterval: duration(),
    serviceAccountName: str(),
    sourceRef: crossRef("OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"),
    suspend: bool(),
    targetNamespace: str({ maxLength: 63, minLength: 1 }),
    timeout: duration(),
    wait: bool(),
  },
  ["interval", "prune", "sourceRef"],
);

const helmRelease = obj(
  {
    chart: obj(
      {
        metadata: commonMetadata(),
        spec: obj(
          {
            chart: str(),
            version: str(),
            sourceRef: crossRef("HelmRepository", "GitRepository", "Bucket"),
            interval: duration(),
            reconcileStrategy: enumOf("ChartVersion", "Revision"),
            valuesFiles: arr(str()),
            ignoreMissingValuesFiles: bool(),
            verify: open(),
          },
          ["chart", "sourceRef"],
        ),
      },
      ["spec"],
    ),
    chartRef: crossRef("OCIRepository", "HelmChart", "ExternalArtifact"),
    commonMetadata: commonMetadata(),
    dependsOn: dependsOn(),
    driftDetection: open(),
    healthCheckExprs: arr(open()),
    install: openWith({ crds: crdsPolicy() }),
    interval: duration(),
    kubeConfig: kubeConfig(),
    maxHistory: int(),
    persistentClient: bool(),
    postRenderers: arr(open()),
    releaseName: str({ maxLength: 53, minLength: 1 }),
    rollback: open(),
    serviceAccountName: str(),
    storageNamespace: str(),
    suspend: bool(),
    targetNamespace: str(),
    test: open(),
    timeout: duration(),
    uninstall: open(),
    upgrade: openWith({ crds: crdsPolicy() }),
    values: { "x-kubernetes-preserve-unknown-fields": true },
    valuesFrom: arr(
      obj(
        {
          kind: enumOf("Secret", "ConfigMap"),
          name: str(),
          valuesKey: str(),
          targetPath: str(),
          optional: bool(),
          literal: bool(),
        },
        ["kind", "name"],
      ),
    ),
    waitStrategy: open(),
  },
  ["interval"],
);

const sourceCommon = {
  interval: duration(),
  timeout: duration(),
  suspend: bool(),
  secretRef: localRef(),
  certSecretRef: localRef(),
  proxySecretRef: localRef(),
  accessFrom: accessFrom(),
};

const gitRepository = obj(
  {
    ...sourceCommon,
    url: str(),
    provider: str(),
    serviceAccountName: str(),
    ref: obj({ branch: str(), tag: str(), semver: str(), name: str(), commit: str() }),
    verify: obj({ mode: str(), secretRef: localRef() }),
    ignore: str(),
    recurseSubmodules: bool(),
    include: arr(obj({ repository: localRef(), fromPath: str(), toPath: str() }, ["repository"])),
    sparseCheckout: arr(str()),
  },
  ["interval", "url"],
);

const ociRepository = obj(
  {
    ...sourceCommon,
    url: str(),
    ref: obj({ digest: str(), semver: str(), semverFilter: str(), tag: str() }),
    layerSelector: obj({ mediaType: str(), operation: enumOf("extract", "copy") }),
    provider: str(),
    verify: open(),
    serviceAccountName: str(),
    insecure: bool(),
    ignore: str(),
  },
  ["interval", "url"],
);

const helmRepository = obj(
  {
    ...sourceCommon,
    url: str(),
    passCredentials: bool(),
    insecure: bool(),
    type: enumOf("default", "oci"),
    provider: str(),
  },
  ["url"],
);

const helmChart = obj(
  {
    ...sourceCommon,
    chart: str(),
    version: str(),
    sourceRef: crossRef("HelmRepository", "GitRepository", "Bucket"),
    reconcileStrategy: enumOf("ChartVersion", "Revision"),
    valuesFiles: arr(str()),
    ignoreMissingValuesFiles: bool(),
    verify: open(),
  },
  ["chart", "interval", "sourceRef"],
);

const bucket = obj(
  {
    ...sourceCommon,
    provider: str(),
    bucketName: str(),
    endpoint: str(),
    sts: open(),
    insecure: bool(),
    region: str(),
    prefix: str(),
    serviceAccountName: str(),
    ignore: str(),
  },
  ["bucketName", "endpoint", "interval"],
);

const imageRepository = obj(
  {
    ...sourceCommon,
    image: str(),
    serviceAccountName: str(),
    exclusionList: arr(str()),
    provider: str(),
    insecure: bool(),
  },
  ["image"],
);

const imagePolicy = obj(
  {
    imageRepositoryRef: obj({ name: str(), namespace: str() }, ["name"]),
    policy: obj({
      semver: obj({ range: str() }, ["range"]),
      alphabetical: obj({ order: enumOf("asc", "desc") }),
      numerical: obj({ order: enumOf("asc", "desc") }),
    }),
    filterTags: obj({ pattern: str(), extract: str() }),
    digestReflectionPolicy: enumOf("Always", "IfNotPresent", "Never"),
    interval: duration(),
    suspend: bool(),
  },
  ["imageRepositoryRef", "policy"],
);

const imageUpdateAutomation = obj(
  {
    sourceRef: crossRef("GitRepository"),
    git: open(),
    interval: duration(),
    update: obj({ path: str(), strategy: str() }),
    policySelector: open(),
    suspend: bool(),
  },
  ["interval", "sourceRef"],
);

const alert = obj(
  {
    providerRef: localRef(),
    eventSeverity: enumOf("info", "error"),
    eventSources: arr(
      obj({ apiVersion: str(), kind: str(), name: str(), namespace: str(), matchLabels: strMap() }, [
        "kind",
        "name",
      ]),
    ),
    eventMetadata: strMap(),
    inclusionList: arr(str()),
    exclusionList: arr(str()),
    summary: str(),
    suspend: bool(),
  },
  ["eventSources", "providerRef"],
);

const provider = obj(
  {
    type: str(),
    interval: duration(),
    channel: str(),
    username: str(),
    address: str(),
    timeout: duration(),
    proxy: str(),
    secretRef: localRef(),
    certSecretRef: localRef(),
    serviceAccountName: str(),
    commitStatusExpr: str(),
    suspend: bool(),
  },
  ["type"],
);

const receiver = obj(
  {
    type: str(),
    interval: duration(),
    events: arr(str()),
    resources: arr(
      obj({ apiVersion: str(), kind: str(), name: str(), namespace: str(), matchLabels: strMap() }, [
        "kind",
        "name",
      ]),
    ),
    resourceFilter: str(),
    secretRef: localRef(),
    suspend: bool(),
  },
  ["resources", "secretRef", "type"],
);

// Flux Operator (fluxcd.controlplane.io/v1), from its API reference. Inputs, default values and
// resources are free-form (templates fill them in), so only the fields around them are closed.
const labelSelector = (): YamlMap =>
  obj({
    matchLabels: strMap(),
    matchExpressions: arr(obj({ key: str(), operator: str(), values: arr(str()) }, ["key", "operator"])),
  });
const operatorCommonMetadata = commonMetadata;
const resourceTemplates = {
  resources: arr(open()),
  resourcesTemplate: str(),
};
const resourceSet = obj({
  commonMetadata: operatorCommonMetadata(),
  inputStrategy: obj({ name: enumOf("Flatten", "Permute"), includeEmptyProviders: bool() }, ["name"]),
  inputs: arr(open()),
  inputsFrom: arr(
    obj({
      apiVersion: enumOf("fluxcd.controlplane.io/v1"),
      kind: enumOf("ResourceSetInputProvider"),
      name: str(),
      selector: labelSelector(),
    }),
  ),
  ...resourceTemplates,
  steps: {
    ...arr(
      obj(
        {
          name: str({ pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" }),
          timeout: duration(),
          ...resourceTemplates,
        },
        ["name"],
      ),
    ),
    maxItems: 20,
  },
  dependsOn: arr(
    obj({ apiVersion: str(), kind: str(), name: str(), namespace: str(), ready: bool(), readyExpr: str() }, [
      "apiVersion",
      "kind",
      "name",
    ]),
  ),
  serviceAccountName: str(),
  wait: bool(),
});
const resourceSetInputProvider = obj(
  {
    type: enumOf(
      "Static",
      "GitHubBranch",
      "GitHubTag",
      "GitHubPullRequest",
      "GitLabBranch",
      "GitLabTag",
      "GitLabMergeRequest",
      "GitLabEnvironment",
      "AzureDevOpsBranch",
      "AzureDevOpsTag",
      "AzureDevOpsPullRequest",
      "AWSCodeCommitBranch",
      "AWSCodeCommitTag",
      "AWSCodeCommitPullRequest",
      "GiteaBranch",
      "GiteaTag",
      "GiteaPullRequest",
      "OCIArtifactTag",
      "ACRArtifactTag",
      "ECRArtifactTag",
      "GARArtifactTag",
      "ExternalService",
      "ExternalArtifact",
    ),
    url: str({ pattern: "^((http|https|oci)://.*){0,1}$" }),
    serviceAccountName: str(),
    secretRef: localRef(),
    certSecretRef: localRef(),
    insecure: bool(),
    defaultValues: open(),
    filter: obj({
      includeBranch: str(),
      excludeBranch: str(),
      includeTag: str(),
      excludeTag: str(),
      includeEnvironment: str(),
      excludeEnvironment: str(),
      labels: arr(str()),
      limit: int(),
      semver: str(),
    }),
    skip: obj({ labels: arr(str()) }),
    schedule: arr(obj({ cron: str(), timeZone: str(), window: duration() }, ["cron"])),
    selectors: arr(
      obj({
        matchLabels: strMap(),
        matchExpressions: arr(obj({ key: str(), operator: str(), values: arr(str()) }, ["key", "operator"])),
        name: str(),
        namespace: str(),
      }),
    ),
  },
  ["type"],
);
const fluxInstance = obj(
  {
    distribution: obj(
      {
        version: str(),
        registry: str(),
        variant: enumOf(
          "upstream-alpine",
          "enterprise-alpine",
          "enterprise-distroless",
          "enterprise-distroless-fips",
        ),
        imagePullSecret: str(),
        artifact: str({ pattern: "^oci://.*$" }),
        artifactPullSecret: str(),
      },
      ["version", "registry"],
    ),
    components: arr(
      enumOf(
        "source-controller",
        "kustomize-controller",
        "helm-controller",
        "notification-controller",
        "image-reflector-controller",
        "image-automation-controller",
        "source-watcher",
      ),
    ),
    commonMetadata: operatorCommonMetadata(),
    cluster: obj({
      domain: str(),
      multitenant: bool(),
      multitenantWorkloadIdentity: bool(),
      tenantDefaultServiceAccount: str(),
      tenantDefaultDecryptionServiceAccount: str(),
      tenantDefaultKubeConfigServiceAccount: str(),
      objectLevelWorkloadIdentity: bool(),
      networkPolicy: bool(),
      type: enumOf("kubernetes", "openshift", "aws", "azure", "gcp"),
      size: enumOf("small", "medium", "large"),
    }),
    sharding: obj({ key: str(), shards: arr(str()), storage: enumOf("ephemeral", "persistent") }, ["shards"]),
    storage: obj({ class: str(), size: str() }, ["class", "size"]),
    kustomize: obj({ patches: patches() }),
    wait: bool(),
    migrateResources: bool(),
    sync: obj(
      {
        name: str(),
        interval: duration(),
        kind: enumOf("OCIRepository", "GitRepository", "Bucket"),
        url: str(),
        ref: str(),
        path: str(),
        pullSecret: str(),
        provider: enumOf("generic", "aws", "azure", "gcp", "github"),
      },
      ["kind", "url", "ref", "path"],
    ),
  },
  ["distribution"],
);

const KUSTOMIZE = "kustomize.toolkit.fluxcd.io";
const HELM = "helm.toolkit.fluxcd.io";
const SOURCE = "source.toolkit.fluxcd.io";
const IMAGE = "image.toolkit.fluxcd.io";
const NOTIFICATION = "notification.toolkit.fluxcd.io";
const OPERATOR = "fluxcd.controlplane.io";

export const FLUX_SCHEMAS: readonly VendoredSchema[] = [
  {
    group: KUSTOMIZE,
    version: "v1",
    kind: "Kustomization",
    plural: "kustomizations",
    schema: root(kustomization),
  },
  { group: HELM, version: "v2", kind: "HelmRelease", plural: "helmreleases", schema: root(helmRelease) },
  {
    group: SOURCE,
    version: "v1",
    kind: "GitRepository",
    plural: "gitrepositories",
    schema: root(gitRepository),
  },
  {
    group: SOURCE,
    version: "v1",
    kind: "OCIRepository",
    plural: "ocirepositories",
    schema: root(ociRepository),
  },
  {
    group: SOURCE,
    version: "v1beta2",
    kind: "OCIRepository",
    plural: "ocirepositories",
    schema: root(ociRepository),
  },
  {
    group: SOURCE,
    version: "v1",
    kind: "HelmRepository",
    plural: "helmrepositories",
    schema: root(helmRepository),
  },
  { group: SOURCE, version: "v1", kind: "HelmChart", plural: "helmcharts", schema: root(helmChart) },
  { group: SOURCE, version: "v1", kind: "Bucket", plural: "buckets", schema: root(bucket) },
  {
    group: IMAGE,
    version: "v1",
    kind: "ImageRepository",
    plural: "imagerepositories",
    schema: root(imageRepository),
  },
  {
    group: IMAGE,
    version: "v1beta2",
    kind: "ImageRepository",
    plural: "imagerepositories",
    schema: root(imageRepository),
  },
  {
    group: IMAGE,
    version: "v1",
    kind: "ImagePolicy",
    plural: "imagepolicies",
    schema: root(imagePolicy),
  },
  {
    group: IMAGE,
    version: "v1beta2",
    kind: "ImagePolicy",
    plural: "imagepolicies",
    schema: root(imagePolicy),
  },
  {
    group: IMAGE,
    version: "v1",
    kind: "ImageUpdateAutomation",
    plural: "imageupdateautomations",
    schema: root(imageUpdateAutomation),
  },
  {
    group: IMAGE,
    version: "v1beta2",
    kind: "ImageUpdateAutomation",
    plural: "imageupdateautomations",
    schema: root(imageUpdateAutomation),
  },
  { group: NOTIFICATION, version: "v1beta3", kind: "Alert", plural: "alerts", schema: root(alert) },
  { group: NOTIFICATION, version: "v1beta3", kind: "Provider", plural: "providers", schema: root(provider) },
  { group: NOTIFICATION, version: "v1", kind: "Receiver", plural: "receivers", schema: root(receiver) },
  { group: OPERATOR, version: "v1", kind: "ResourceSet", plural: "resourcesets", schema: root(resourceSet) },
  {
    group: OPERATOR,
    version: "v1",
    kind: "ResourceSetInputProvider",
    plural: "resourcesetinputproviders",
    schema: root(resourceSetInputProvider),
  },
  {
    group: OPERATOR,
    version: "v1",
    kind: "FluxInstance",
    plural: "fluxinstances",
    schema: root(fluxInstance),
  },
];
