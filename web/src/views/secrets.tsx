import type { DashboardModel } from "../data.js";
import { plural, SourceLink } from "./common.js";

/** SOPS files and Secret objects: whether they decrypt, whether recipients match .sops.yaml. Never a value. */
export function SecretsView({ model }: { model: DashboardModel }) {
  const s = model.secrets;
  const bad = s.files.filter((f) => !f.canDecrypt || f.rule === "mismatch" || f.rule === "no-rule");
  return (
    <section aria-labelledby="secrets-h">
      <h1 id="secrets-h">Secrets</h1>
      <p>
        {plural(s.files.length, "SOPS file")} · {plural(s.secretObjects.length, "Secret object")} rendered ·{" "}
        {s.haveIdentities
          ? "an age key was available"
          : "no age key available: encrypted values stay encrypted"}
        . Values are never shown.
      </p>
      {s.problems.length > 0 ? (
        <div class="banner warn" role="alert">
          <strong>{plural(s.problems.length, "file")} needed by a cluster could not be decrypted:</strong>
          <ul>
            {s.problems.map((p, i) => (
              <li key={i}>
                <SourceLink file={p.file} /> — {p.reason}
                {p.cluster ? ` (${p.cluster}${p.kustomization ? ` · ${p.kustomization}` : ""})` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <h2>
        SOPS files {bad.length > 0 ? <span class="pill st-failed">{bad.length} need attention</span> : null}
      </h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Format</th>
              <th scope="col">Decrypts here</th>
              <th scope="col">.sops.yaml</th>
              <th scope="col">Recipients</th>
            </tr>
          </thead>
          <tbody>
            {s.files.map((f) => (
              <tr key={f.file}>
                <th scope="row">
                  <SourceLink file={f.file} />
                </th>
                <td>{f.format}</td>
                <td>
                  {f.canDecrypt ? (
                    <span class="pill st-rendered">yes</span>
                  ) : (
                    <span class="pill st-suspended" title={f.problem}>
                      no
                    </span>
                  )}
                </td>
                <td>
                  <span
                    class={`pill ${f.rule === "match" ? "st-rendered" : f.rule === "mismatch" ? "st-failed" : "st-suspended"}`}
                  >
                    {f.rule}
                  </span>
                </td>
                <td class="mono small">
                  {f.recipients.map((r) => `${r.slice(0, 12)}…${r.slice(-8)}`).join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Secret objects</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Secret</th>
              <th scope="col">Keys</th>
              <th scope="col">State</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {s.secretObjects.map((o) => (
              <tr key={`${o.cluster}|${o.namespace}|${o.name}|${o.kustomization}`}>
                <td>{o.cluster}</td>
                <th scope="row">
                  {o.namespace}/{o.name}
                </th>
                <td class="mono">{o.keys.join(", ")}</td>
                <td>
                  {o.encrypted ? (
                    <span class="pill st-suspended">still encrypted</span>
                  ) : (
                    <span class="pill st-rendered">masked</span>
                  )}
                </td>
                <td>
                  <SourceLink file={o.source?.file} line={o.source?.line} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
