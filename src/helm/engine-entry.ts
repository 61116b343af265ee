/**
 * What the platform loader's render points use of the Helm engine (~450 kB of the bundle, issue
 * 16): a release render (the render pool's main-thread renders), a plain stack's chart inflation,
 * and the template engine with Helm's function table for ResourceSet templates. They reach it
 * through engine-access.ts, so that a run answered from the caches (a warm `diff`, `graph` or
 * `check`) never loads it.
 */
export { renderChartDir } from "../kustomize/generators/helm-render.js";
export { defaultFuncs } from "./default-funcs.js";
export { renderReleaseJob } from "./pool/job.js";
export { TemplateError, TemplateSet } from "./template/index.js";
