// The errors a consumer's handler (or the platform under it) throws to tell the consumer runner what to
// do, besides the errors of the libraries it classifies by itself (classify.ts).

/** This record can never be processed: dead-letter it and go on. */
export class PoisonError extends Error {}

/** Retry later: the failure says nothing about the records (a dependency is down, a lock, a timeout). */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The partition must stop here until an operator acts (e.g. a gap in a pipeline's seq); /readyz says why. */
export class StallError extends Error {}

/** The sink's stored position moved under this consumer (another instance applied it): re-read it and seek. */
export class RepositionError extends Error {}
