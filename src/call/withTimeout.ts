// Bounds a vendor SDK promise that may never settle (an unreachable service), failing with `failure()`.
export function withTimeout<T>(promise: Promise<T>, ms: number, failure: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
