// When a host that arrives as a BareMetalHost may boot: only once its ISO is attached, as a
// machine boots only once its virtual media is. BMAC sets the ISO as the BareMetalHost's image
// URL; the Bare Metal Operator's part (played by players/bare-metal.ts) attaches it by calling
// boot(); step 5 (launch.ts) waits here, downloads the ISO and starts the host's container, and
// says when it runs, which the player reports as `provisioned`.

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined); // waiters handle it; never an unhandled rejection
  const d: Deferred<T> = {
    promise,
    resolve: (v) => { if (!d.settled) d.settled = true, resolve(v); },
    reject: (e) => { if (!d.settled) d.settled = true, reject(e); },
    settled: false,
  };
  return d;
}

interface Entry {
  imageUrl: Deferred<string>;
  running: Deferred<void>;
  /** Step 5 waits for its image (a host that arrives as a BareMetalHost). */
  waitedOn: boolean;
}

export class BootGate {
  private readonly entries = new Map<string, Entry>();

  private entry(hostname: string): Entry {
    let e = this.entries.get(hostname);
    if (!e) this.entries.set(hostname, (e = { imageUrl: deferred(), running: deferred(), waitedOn: false }));
    return e;
  }

  /** Resolves with the image URL the host boots from, once attached. */
  imageUrl(hostname: string): Promise<string> {
    const e = this.entry(hostname);
    e.waitedOn = true;
    return e.imageUrl.promise;
  }

  /** Attaches the host's ISO; resolves once its container runs (at once if it already does), rejects if it cannot boot. */
  boot(hostname: string, imageUrl: string): Promise<void> {
    const e = this.entry(hostname);
    e.imageUrl.resolve(imageUrl);
    return e.running.promise;
  }

  /** The host's container runs (started now, or kept from an earlier run). */
  running(hostname: string): void {
    this.entry(hostname).running.resolve();
  }

  /** The host cannot boot (its download failed, its container did not start). */
  failed(hostname: string, reason: string): void {
    this.entry(hostname).running.reject(new Error(reason));
  }

  /** The hosts still waiting for their ISO. */
  waiting(): string[] {
    return [...this.entries].filter(([, e]) => e.waitedOn && !e.imageUrl.settled).map(([h]) => h);
  }

  /** The run ends: every wait ends with `reason`. */
  end(reason: string): void {
    for (const e of this.entries.values()) {
      e.imageUrl.reject(new Error(reason));
      e.running.reject(new Error(reason));
    }
  }
}
