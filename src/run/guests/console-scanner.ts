/**
 * Reads a guest's serial console as it arrives and picks out what the guest /init reports
 * (`mpm-guest: app-start`, `mpm-guest: app-exit <status>`) and the kernel's fatal messages.
 */
export class ConsoleScanner {
  #partial = "";
  #lastLines: string[] = [];
  appStarted = false;
  exitStatus: number | undefined = undefined;
  /** The kernel's panic line, if the guest panicked. */
  panic: string | undefined = undefined;
  /** The initramfs did not fit in guest memory; the guest then fails in confusing ways later. */
  initramfsTooLarge = false;

  feed(chunk: string): void {
    const text = this.#partial + chunk;
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#line(line.replace(/\r$/, ""));
  }

  /** Flushes an unterminated last line (call when the console has ended). */
  end(): void {
    if (this.#partial) this.#line(this.#partial);
    this.#partial = "";
  }

  /** The last few console lines, for error messages. */
  tail(): string[] {
    return [...this.#lastLines];
  }

  #line(line: string): void {
    this.#lastLines.push(line);
    if (this.#lastLines.length > 8) this.#lastLines.shift();
    const marker = /mpm-guest: (app-start|app-exit (-?\d+))\s*$/.exec(line);
    if (marker?.[1] === "app-start") this.appStarted = true;
    else if (marker?.[2] !== undefined) this.exitStatus = Number(marker[2]);
    if (this.panic === undefined && /Kernel panic - not syncing/.test(line)) {
      this.panic = line.replace(/^\[\s*[\d.]+\]\s*/, "").trim();
    }
    if (/Initramfs unpacking failed/.test(line)) this.initramfsTooLarge = true;
  }
}
