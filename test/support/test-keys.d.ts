/** The path of a distinct RSA private key (PEM) from the per-machine pool of test keys. */
export function pooledKey(): string;
