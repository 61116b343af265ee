/**
 * Server-sent events: one long-lived response per open page. Each event is a name and a JSON
 * payload; a comment every `keepAliveMs` keeps proxies and the browser from timing out.
 */
import type { ServerResponse } from "node:http";

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;
  private nextId = 1;

  constructor(keepAliveMs = 15_000) {
    this.timer = setInterval(() => {
      for (const c of this.clients) c.write(": keep-alive\n\n");
    }, keepAliveMs);
    this.timer.unref();
  }

  /** Takes over a response; `initial` is sent to it at once. */
  add(res: ServerResponse, initial?: { event: string; data: unknown }): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-content-type-options": "nosniff",
    });
    res.write("retry: 1000\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    if (initial) res.write(frame(this.nextId++, initial.event, initial.data));
  }

  send(event: string, data: unknown): void {
    const text = frame(this.nextId++, event, data);
    for (const c of this.clients) c.write(text);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

function frame(id: number, event: string, data: unknown): string {
  // JSON has no raw newlines, so one data line carries the whole payload.
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
