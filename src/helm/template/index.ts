/**
 * Go's text/template and fmt for Helm, in TypeScript. The API for the engine layer:
 *
 *     const set = new TemplateSet(funcs, { missingKey: "zero", name: "gotpl" });
 *     set.parse("chart/templates/a.yaml", text);        // adds its defines; throws TemplateError
 *     set.execute("chart/templates/a.yaml", data, ctx); // Go's ExecuteTemplate
 *     const t = clone.parse("gotpl", tplText);          // tpl: a clone, then Execute of the handle
 *     clone.execute(t, vals, ctx);
 *
 * Values are ./value.ts's model; errors carry Go's exact message plus template/line/column.
 */
export { messagePrefix, TemplateError } from "./errors.js";
export { MAX_EXEC_DEPTH, type MissingKey } from "./exec.js";
export { formatValue, sprint, sprintf, sprintln } from "./fmt.js";
export { formatFloat } from "./ftoa.js";
export { byteSlice, runeCount, utf8Decode, utf8Encode, utf8Length } from "./gostring.js";
export { quote, quoteToASCII, unquote } from "./quote.js";
export { type Delims, type Template, TemplateSet, type TemplateSetOptions } from "./template-set.js";
export * from "./value.js";
