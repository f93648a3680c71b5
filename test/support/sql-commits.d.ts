/** Transactions committed by these statements (BEGIN ... COMMIT blocks and lone writes). */
export function commitsOf(statements: string[]): number;
