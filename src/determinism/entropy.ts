/**
 * The bytes behind new SIDs and generated auth tokens come from the CSPRNG, except during a
 * deterministic run (README: "Deterministic runs"), which installs a seeded stream here. One
 * per process: a deterministic run is one instance, one app.
 */
let seeded: ((n: number) => Buffer) | undefined;

export function useSeededBytes(source: ((n: number) => Buffer) | undefined): void {
  seeded = source;
}

/** `n` bytes of the seeded stream, or undefined when none is installed (use the CSPRNG). */
export function seededBytes(n: number): Buffer | undefined {
  return seeded?.(n);
}
