import { useEffect, useMemo, useRef } from "preact/hooks";
import { highlightLines } from "../highlight.js";

/** Highlighted code with line numbers; `marks` colour lines, `focus` scrolls to one. */
export function Code(props: {
  text: string;
  language: string | undefined;
  marks?: Map<number, { severity?: string; note: string }[]>;
  focus?: number;
}) {
  const lines = useMemo(() => highlightLines(props.text, props.language), [props.text, props.language]);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: "center" });
  }, [props.focus, lines]);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard
    <section class="code" tabIndex={0} aria-label="Source code">
      <table>
        <tbody>
          {lines.map((html, i) => {
            const n = i + 1;
            const marks = props.marks?.get(n);
            const sev = marks?.find((m) => m.severity)?.severity;
            return (
              <tr
                key={n}
                id={`L${n}`}
                ref={n === props.focus ? ref : undefined}
                class={`${marks ? `mark${sev ? ` mark-${sev}` : ""}` : ""}${n === props.focus ? " focus" : ""}`}
              >
                <td class="ln" aria-hidden="true">
                  {n}
                </td>
                <td class="lc" dangerouslySetInnerHTML={{ __html: html || " " }} />
                {marks ? (
                  <td class="note">
                    {marks.map((m, j) => (
                      <div key={j} class={m.severity ? `sev-text-${m.severity}` : undefined}>
                        {m.note}
                      </div>
                    ))}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
