/**
 * Mocha root hooks. ffjavascript's worker threads keep Node alive after proving:
 * terminate the cached curve once all tests are done.
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const g = globalThis as unknown as { curve_bn128?: { terminate(): Promise<void> } };
    await g.curve_bn128?.terminate();
  },
};
